"""The README is the map a newcomer finds things by: every test it names exists, and its layout section names
every test folder, test file and local-stack module there is."""

from __future__ import annotations

import re

from infra.settings import ROOT

README = (ROOT / "README.md").read_text()
LAYOUT = README.split("## Layout", 1)[1].split("```", 2)[1]


def test_every_test_path_the_readme_names_exists():
    named = set(re.findall(r"tests/[\w/]+(?:\.py)?", README))
    assert named, "the README names no tests"
    assert sorted(p for p in named if not (ROOT / p).exists()) == []


def test_every_test_file_the_readme_names_by_itself_exists():
    named = set(re.findall(r"\b(test_\w+?)(?:\.py)?\b", README))
    files = {p.stem for p in (ROOT / "tests").rglob("test_*.py")}
    assert sorted(named - files) == []


def test_the_layout_names_every_test_folder_and_test_file():
    folders = {p.name for p in (ROOT / "tests").iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert sorted(f for f in folders if f"tests/{f}" not in LAYOUT) == []
    files = {p.stem for p in (ROOT / "tests").rglob("test_*.py")}
    assert sorted(f for f in files if not re.search(rf"\b{f}\b", LAYOUT)) == []


def test_the_layout_names_every_local_stack_module():
    modules = {p.name for p in (ROOT / "infra").glob("*.py") if p.name != "__init__.py"}
    assert sorted(m for m in modules if not re.search(rf"\b{re.escape(m)}", LAYOUT)) == []
