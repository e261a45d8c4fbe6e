"""Schemathesis hooks (SCHEMATHESIS_HOOKS=tests.support.hostile_strings): strings that are not text.

Schemathesis's generator only makes valid Unicode text, so on its own it never sends what broke `make run`
(a lone surrogate reaching PyJWT, a NUL reaching Postgres). These hooks put such strings into generated
bodies and query strings: in place of one field's value, or of a field's name.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import strategies as st

# NUL travels in any encoding. A lone surrogate travels only as a JSON escape ("\ud800", which json.dumps
# writes as it is): a query string or form body must be UTF-8 bytes, which it has none of.
NUL = ("\x00", "a\x00b")
HOSTILE = (*NUL, "\ud800", "\udfff", "a\ud83d", "\x00\ud800")


def _replace_one(mapping: dict[str, Any], strings: tuple[str, ...] = HOSTILE) -> st.SearchStrategy[dict[str, Any]]:
    hostile = st.sampled_from(strings)
    if not mapping:
        return st.one_of(st.just(mapping), hostile.map(lambda h: {h: "x"}))
    keys = st.sampled_from(sorted(mapping))
    as_value = st.tuples(keys, hostile).map(lambda kv: {**mapping, kv[0]: kv[1]})
    as_name = hostile.map(lambda h: {**mapping, h: "x"})
    return st.one_of(st.just(mapping), as_value, as_name)


@schemathesis.hook
def flatmap_body(context: Any, body: Any) -> st.SearchStrategy[Any]:
    if not isinstance(body, dict):
        return st.just(body)
    bodies = getattr(getattr(context, "operation", None), "body", None) or []
    json_only = all("json" in str(getattr(b, "media_type", "json")) for b in bodies)
    return _replace_one(body, HOSTILE if json_only else NUL)


@schemathesis.hook
def flatmap_query(context: Any, query: Any) -> st.SearchStrategy[Any]:
    return _replace_one(query, NUL) if isinstance(query, dict) else st.just(query)
