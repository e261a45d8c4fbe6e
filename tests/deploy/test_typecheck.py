"""Strict mypy is part of `make lint`, and it is what checks that the wiring fits the ports.

The container's members are typed as the ports of `use_cases/ports.py` and `lazy` (calls_platform/lazy.py)
keeps the type of what it builds, so an adapter that does not fit its port is a type error where it is wired. These
tests run mypy on a container wired wrongly and rightly, with the project's own configuration.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from infra.settings import ROOT

WIRING = """
import functools

from calls_platform.bootstrap import Container
from calls_platform.lazy import lazy
from calls_platform.use_cases.ports import VoipProvider


class {name}(Container):
    @functools.cached_property
    def voip(self) -> VoipProvider:
        return lazy({adapter})
"""

NO_HANG_UP = """
from calls_platform.domain.calls import Call


class NoHangUp:  # a provider adapter that forgot hang_up
    connects_on_browser_answer = False

    def ensure_configured(self) -> None:
        pass

    def audio_offer(self, call: Call) -> str:
        return "v=0"

    def place_call(self, call: Call) -> str:
        return "id"

    def accept_answer(self, call: Call, sdp_answer: str) -> None:
        pass
"""


def mypy(tmp_path: Path, source: str) -> subprocess.CompletedProcess[str]:
    snippet = tmp_path / "wiring.py"
    snippet.write_text(textwrap.dedent(source))
    command = [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml"), str(snippet)]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)


def test_an_adapter_that_does_not_fit_its_port_is_a_type_error(tmp_path):
    result = mypy(tmp_path, NO_HANG_UP + WIRING.format(name="WrongWiring", adapter="NoHangUp"))
    assert result.returncode == 1, result.stdout
    assert 'Incompatible return value type (got "NoHangUp", expected "VoipProvider")' in result.stdout
    assert '"NoHangUp" is missing following "VoipProvider" protocol member' in result.stdout
    assert "hang_up" in result.stdout


def test_the_real_adapter_fits_the_same_wiring(tmp_path):
    real = "from calls_platform.adapters.voip.mock import MockVoipProvider\n"
    result = mypy(tmp_path, real + WIRING.format(name="RightWiring", adapter="MockVoipProvider"))
    assert result.returncode == 0, result.stdout


def test_mypy_checks_strictly_the_code_and_the_fakes_of_the_ports():
    config = (ROOT / "pyproject.toml").read_text()
    assert "[tool.mypy]" in config and "strict = true" in config
    for checked in ('"shared"', '"functions"', '"infra"', '"tests/fakes"', '"tests/unit/fakes.py"'):
        assert checked in config
