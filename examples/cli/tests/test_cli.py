import subprocess
import sys

import pytest

from my_service.__main__ import main

PACKAGE = "my_service"


def test_greets_the_named_caller(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--name", "Ada"]) == 0
    assert capsys.readouterr().out == "Hello, Ada!\n"


def test_runs_as_a_module() -> None:
    result = subprocess.run(
        [sys.executable, "-m", PACKAGE, "--name", "Ada"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout == "Hello, Ada!\n"
