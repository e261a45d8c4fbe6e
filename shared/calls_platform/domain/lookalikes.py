"""Addresses that look like another: invisible code points, and confusable skeletons (Unicode TS #39).

Two addresses whose skeletons are equal look the same to a person (`paypal` spelled with a Cyrillic
`\u0430` for its first `a`): the second one is refused at sign-up, so nobody can register a double of
another's account.
The prototype of each character comes from Unicode's confusables.txt, as the `confusable-homoglyphs`
package ships it (docs/security.md says why that package).
"""

from __future__ import annotations

import functools
import json
import unicodedata
from typing import Any

# Default_Ignorable_Code_Point (Unicode's DerivedCoreProperties): code points that render as nothing when
# unsupported, e.g. variation selectors U+FE00..U+FE0F and U+E0100.., U+034F, U+17B4, U+180B. The Mn marks
# among them are not caught by a category check for control or format characters.
_LRM = "\u200e"  # the package's data wraps right-to-left characters in LRMs for display


def has_ignorable(text: str) -> bool:
    return _ignorable().search(text) is not None


@functools.cache
def _ignorable() -> Any:
    import regex  # on first use: most functions never read an address

    return regex.compile(r"\p{Default_Ignorable_Code_Point}")


def skeleton(text: str) -> str:
    """TS #39's skeleton: NFD, each character replaced by its prototype, NFD again."""
    prototypes = _prototypes()
    mapped = "".join(prototypes.get(char, char) for char in unicodedata.normalize("NFD", text))
    return unicodedata.normalize("NFD", mapped)


@functools.cache
def _prototypes() -> dict[str, str]:
    """character -> its prototype, from the package's table. The table lists, for each line `source ->
    prototype` of confusables.txt, the prototype under the source and the source under the prototype. A
    source is never a prototype, so a character listed with exactly one partner that lists it among several
    (or a partner of several characters) is a source. A pair that only list each other is one source and its
    prototype, which of them is not recorded: both map to the smaller, which keeps them equal."""
    from importlib import resources

    raw = resources.files("confusable_homoglyphs").joinpath("confusables.json").read_text(encoding="utf-8")
    table: dict[str, list[dict[str, str]]] = json.loads(raw)
    partners = {key: [_strip(entry["c"]) for entry in entries] for key, entries in table.items()}
    prototypes: dict[str, str] = {}
    for key, listed in partners.items():
        char = _strip(key)
        if len(char) != 1 or len(listed) != 1:
            continue
        partner = listed[0]
        if len(partner) > 1 or len(partners.get(partner, ())) > 1:
            prototypes[char] = partner
        else:
            prototypes[char] = min(char, partner)
    return prototypes


def _strip(text: str) -> str:
    return text[1:-1] if len(text) > 2 and text[0] == _LRM and text[-1] == _LRM else text
