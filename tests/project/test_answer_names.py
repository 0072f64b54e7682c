"""Project tier: for drawn names of each length class (1, about 9, about 25, 50 characters), the
copy task locks the project and the project's own checks pass: its tests, and its CI's lint
with its own locked ruff (`uv run ruff check`, `uv run ruff format --check`).

Slower than the render tier, so one drawn name per length class, alternating the kinds and the
workspace, on a Python this machine has (uv may not download one here).
"""

from __future__ import annotations

import copier
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.support.answer_space import choice_values, project_names
from tests.support.commands import run
from tests.support.host_pythons import local_python
from tests.support.hypothesis_profiles import record_examples
from tests.support.variants import TEMPLATE_ROOT

LENGTH_CLASSES = [
    pytest.param((1, 1), {"service_kind": "cli"}, id="1-cli"),
    pytest.param((8, 10), {"service_kind": "web"}, id="9-web"),
    pytest.param((24, 26), {"service_kind": "cli", "use_workspace": True}, id="25-cli-workspace"),
    pytest.param((50, 50), {"service_kind": "web", "use_workspace": True}, id="50-web-workspace"),
]


def host_python() -> str:
    """The newest supported Python this machine has (tests/environment.py puts pyenv's on PATH)."""
    available = [v for v in choice_values("python_version") if local_python(v)]
    assert available, "no supported Python on this machine"
    return available[-1]


@pytest.mark.project
@pytest.mark.parametrize(("lengths", "shape"), LENGTH_CLASSES)
def test_a_drawn_name_locks_and_passes_its_own_tests_and_lint(lengths, shape, tmp_path) -> None:
    @settings(max_examples=1, derandomize=True, database=None)
    @given(name=project_names(*lengths), description=st.sampled_from(["It's $5 {{ x }}", "服务"]))
    def check(name: str, description: str) -> None:
        record_examples("names locked and tested")
        project = tmp_path / name
        answers = {
            "project_name": name,
            "description": description,
            "python_version": host_python(),
        }
        # The lock task runs, as in a user's copy; init_git too (it commits the result).
        copier.run_copy(
            str(TEMPLATE_ROOT), project, data=answers, defaults=True, vcs_ref="HEAD",
            unsafe=True, quiet=True, settings=copier.Settings(),
        )  # fmt: skip
        assert (project / "uv.lock").is_file(), "the lock task wrote no uv.lock"
        run(["uv", "lock", "--check", "--offline"], cwd=project)
        result = run(
            ["uv", "run", "--locked", "pytest", "-q", "-p", "no:cacheprovider"], cwd=project
        )
        assert " passed" in result.stdout
        run(["uv", "run", "--locked", "ruff", "check", "--no-cache", "."], cwd=project)
        run(["uv", "run", "--locked", "ruff", "format", "--no-cache", "--check", "."], cwd=project)

    check()


@pytest.mark.project
@pytest.mark.parametrize("name", ["build", "dist"])
def test_a_name_an_ignore_file_also_uses_works_from_a_fresh_clone(name, tmp_path) -> None:
    """Issue 22: .gitignore's `build/` and `dist/` once kept src/<name>/ out of the first commit."""
    project = tmp_path / name
    answers = {"project_name": name, "service_kind": "cli", "python_version": host_python()}
    copier.run_copy(
        str(TEMPLATE_ROOT), project, data=answers, defaults=True, vcs_ref="HEAD",
        unsafe=True, quiet=True, settings=copier.Settings(),
    )  # fmt: skip
    clone = tmp_path / "clone"
    run(["git", "clone", "-q", str(project), str(clone)])
    result = run(["uv", "run", "--locked", "pytest", "-q", "-p", "no:cacheprovider"], cwd=clone)
    assert " passed" in result.stdout
    run(["uv", "run", "--locked", "ruff", "check", "--no-cache", "."], cwd=clone)
    run(["uv", "build", "--quiet", "--out-dir", str(tmp_path / "built")], cwd=clone)
    assert list((tmp_path / "built").glob(f"{name}-0.1.0-py3-none-any.whl"))
