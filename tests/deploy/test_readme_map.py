"""The README is the page a newcomer starts from: at most 250 lines, and its map ("Where everything lives") is of
folders, checked against the tree: every folder a newcomer looks for is named, and nothing named is missing.
Every test the README or a guide in docs/ names exists."""

from __future__ import annotations

import re
from pathlib import Path

from infra.settings import ROOT

README = (ROOT / "README.md").read_text()
MAP = README.split("## Where everything lives", 1)[1].split("```", 2)[1]
GUIDES = {p.name: p.read_text() for p in sorted((ROOT / "docs").glob("*.md"))}
MAPPED_ROOTS = ("tests", "shared/calls_platform", "infra", "functions")


def _folders(root: str) -> set[str]:
    """Every folder under root (relative, with a trailing slash), skipping caches and installed packages."""
    skip = {"__pycache__", "node_modules", ".pytest_cache"}
    found = set()
    for path in (ROOT / root).rglob("*"):
        if path.is_dir() and not skip & set(path.relative_to(ROOT).parts):
            found.add(f"{path.relative_to(ROOT).as_posix()}/")
    return found


def _named_in_map() -> set[str]:
    """The paths the map names: its first column, and each `name/` listed under functions/."""
    named = {line.split()[0] for line in MAP.splitlines() if line and not line[0].isspace()}
    functions_block = MAP.split("functions/", 1)[1].split("\n", 1)[1].split("\nshared/", 1)[0]
    named |= {f"functions/{name}/" for name in re.findall(r"\b(\w+)/", functions_block)}
    return named


def test_the_readme_is_a_newcomers_page() -> None:
    assert len(README.splitlines()) <= 250
    for section in ("## Two commands", "## Architecture", "## Where everything lives", "## How to add an endpoint"):
        assert section in README
    assert "make run" in README and "make test" in README


def test_the_map_names_every_folder_of_tests_the_layer_infra_and_functions() -> None:
    named = _named_in_map()
    expected: set[str] = set()
    for root in MAPPED_ROOTS:
        depth = 1 if root in ("tests", "functions") else None  # the test folders' own subfolders are theirs
        for folder in _folders(root):
            if depth is None or folder.count("/") == root.count("/") + 2:
                expected.add(folder)
    assert sorted(expected - named) == []


def test_everything_the_map_names_exists() -> None:
    named = _named_in_map()
    assert named, "the map names nothing"
    assert sorted(p for p in named if not (ROOT / p).exists()) == []


def test_the_map_is_of_folders_not_files() -> None:
    assert sorted(p for p in _named_in_map() if not p.endswith("/")) == []


def _docs() -> dict[str, str]:
    return {"README.md": README} | GUIDES


def test_every_test_path_the_readme_and_the_guides_name_exists() -> None:
    """A path such as `tests/e2e/test_softphone*.py` names files by a pattern: some must match it."""
    found = {(doc, m.group(1), m.group(2)) for doc, text in _docs().items()
             for m in re.finditer(r"(tests/[\w/]+)(\*?(?:\.py)?)", text)}  # fmt: skip
    assert found, "no document names a test"
    missing = [(doc, path + rest) for doc, path, rest in found if not list(ROOT.glob(path + (rest or "")))]
    assert sorted(missing) == []


def test_every_test_file_the_readme_and_the_guides_name_by_itself_exists() -> None:
    """The README and docs/development.md's list of every file name test files bare (`test_make_run`); the other
    guides name a file with `.py`, and bare names there may be tests (functions) inside a file."""
    files = {p.stem for p in (ROOT / "tests").rglob("test_*.py")}
    bare = {"README.md": README, "development.md": GUIDES["development.md"]}
    named = {(doc, n) for doc, text in bare.items() for n in re.findall(r"\b(test_\w+?)(?:\.py)?\b", text)}
    named |= {(doc, n) for doc, text in GUIDES.items() for n in re.findall(r"\b(test_\w+)\.py\b", text)}
    assert sorted((doc, n) for doc, n in named if n not in files) == []


def test_every_guide_the_readme_links_exists() -> None:
    linked = set(re.findall(r"\]\((docs/[\w.-]+)\)", README))
    assert linked and sorted(p for p in linked if not Path(ROOT / p).is_file()) == []
    assert sorted(set(GUIDES) - {Path(p).name for p in linked}) == []  # and every guide is linked
