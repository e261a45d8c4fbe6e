"""The page stays small: its own JS and CSS at most 150 KB gzipped (the Voice SDK in vendor/ apart, loaded
only in Twilio mode). How fast it first loads is a figure of `make bench-page`, not a timed test."""

from __future__ import annotations

import gzip
from pathlib import Path

from tests.support.paths import PAGE_DIST

DIST = PAGE_DIST
BUDGET_BYTES = 150 * 1024


def own_files() -> list[Path]:
    return [p for p in DIST.rglob("*") if p.is_file() and "vendor" not in p.relative_to(DIST).parts]


def test_own_javascript_and_css_fit_in_150_kb_gzipped() -> None:
    code = [p for p in own_files() if p.suffix in (".js", ".css", ".html")]
    assert any(p.name == "app.js" for p in code)
    size = sum(len(gzip.compress(p.read_bytes(), 9)) for p in code)
    print(f"page JS+CSS+HTML gzipped: {size} bytes")
    assert size <= BUDGET_BYTES
    assert not list(DIST.glob("*.map"))  # no source maps shipped
