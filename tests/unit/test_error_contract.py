"""The errors' two homes (domain/errors.py: the rules; web/framing.py: the request's framing), their one HTTP table
(web/errors.py) and the table of docs/api.md."""

import json
import re

import pytest

from calls_platform.domain import errors
from calls_platform.web import framing
from calls_platform.web.api import error_response
from calls_platform.web.errors import STATUS_BY_ERROR, error_for_status, status_of
from infra.settings import ROOT


def every_error() -> list[type[errors.DomainError]]:
    found: list[type[errors.DomainError]] = []
    todo: list[type[errors.DomainError]] = [errors.DomainError]
    while todo:
        kind = todo.pop()
        found.append(kind)
        todo.extend(kind.__subclasses__())
    return found


def readme_errors() -> dict[str, int]:
    """type -> status from the errors table of docs/api.md (rows like "| `a` / `b` | 413 / 415 | ...")."""
    text = (ROOT / "docs" / "api.md").read_text()
    table = text.split("\n## Errors\n", 1)[1].split("\n## ", 1)[0]
    rows: dict[str, int] = {}
    for types, statuses in re.findall(r"^\| (`[^|]+`) \| ([\d /]+) \|", table, re.M):
        names = re.findall(r"`(\w+)`", types)
        codes = [int(s) for s in statuses.split("/")]
        for name, code in zip(names, codes * len(names) if len(codes) == 1 else codes, strict=True):
            rows[name] = code
    return rows


def test_every_error_is_in_its_module_and_the_api_guide_with_its_status() -> None:
    assert all(kind.__module__ in (errors.__name__, framing.__name__) for kind in every_error())
    framing_codes = {"not_found", "method_not_allowed", "payload_too_large", "uri_too_long",
                     "unsupported_media_type", "headers_too_large"}  # fmt: skip
    assert {k.code for k in every_error() if k.__module__ == framing.__name__} == framing_codes
    assert {kind.code: status_of(kind) for kind in every_error()} == readme_errors()


def test_a_subclass_answers_with_its_nearest_listed_base() -> None:
    assert errors.InvalidPhoneNumber not in STATUS_BY_ERROR and status_of(errors.InvalidPhoneNumber("x")) == 400
    assert errors.UnknownUser not in STATUS_BY_ERROR and status_of(errors.UnknownUser()) == 401


def test_each_class_is_named_for_the_code_it_answers() -> None:
    """`CallTerminationFailed` answers `call_termination_failed`; a subclass that keeps its base's code
    (UnknownUser is `unauthorized`) is named for what it adds, and DomainError is the base."""
    for kind in every_error():
        if "code" in vars(kind) and kind is not errors.DomainError:
            assert kind.__name__ == "".join(w.capitalize() for w in kind.code.split("_")), kind


def test_one_code_one_status() -> None:
    statuses: dict[str, set[int]] = {}
    for kind in every_error():
        statuses.setdefault(kind.code, set()).add(status_of(kind))
    assert all(len(found) == 1 for found in statuses.values()), statuses


@pytest.mark.parametrize(
    "status, code",
    [
        (400, "validation_error"),
        (404, "not_found"),
        (405, "method_not_allowed"),
        (413, "payload_too_large"),
        (414, "uri_too_long"),
        (415, "unsupported_media_type"),
        (431, "headers_too_large"),
        (500, "internal_error"),
        (502, "internal_error"),
    ],
)
def test_a_refusal_known_only_by_its_status_gets_the_generic_error_of_that_status(status: int, code: str) -> None:
    error = error_for_status(status, "refused")
    assert error.code == code and error.message == "refused"


def test_retry_after_and_allow_come_from_typed_attributes() -> None:
    limited = error_response(errors.DailyMinutesExceeded("spent", retry_after=3600))
    assert (limited.status_code, limited.headers["Retry-After"]) == (429, "3600")
    assert json.loads(limited.body) == {"error": "daily_minutes_exceeded", "message": "spent"}
    wrong = error_response(framing.MethodNotAllowed("GET is not allowed", ["POST"]))
    assert (wrong.status_code, wrong.headers["Allow"]) == (405, "POST")
    assert "Retry-After" not in error_response(errors.ValidationError("bad")).headers
