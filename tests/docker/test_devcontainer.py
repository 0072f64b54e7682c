"""Docker tier, the dev container: the rendered .devcontainer/devcontainer.json, built and started
by the reference CLI (@devcontainers/cli, as VS Code and Codespaces do), runs the project's tests.

The config is used as rendered; a test-only override beside it only names the local stand-ins for
the bases (why build arguments and not `--build-context`: tests/support/devcontainer_cli.py). The
checkout is a private copy owned by the UID the config builds its user with, as a Linux
developer's checkout is (the rendered README: "the user has UID 1000, the usual host UID"); on
this machine the tests run as root, so the copy is handed to that UID.

Two variants keep the cost low: the defaults, and the workspace (members installed editable from
the mounted checkout). Each `devcontainer up` is one dev-target build plus a container.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import devcontainer_cli
from tests.support.ci import skip_or_fail
from tests.support.docker_project import DockerProject
from tests.support.variants import VARIANTS_BY_ID

pytestmark = pytest.mark.parametrize(
    "variant", [VARIANTS_BY_ID[name].param() for name in ("defaults", "workspace")]
)

PROBE = "tests/test_in_devcontainer.py"


class DevContainer:
    """A started dev container of a private copy of `project`."""

    def __init__(self, project: DockerProject, root: Path) -> None:
        self.project = project
        self.path = project.copy(root / f"devcontainer-{project.variant.id}-{uuid.uuid4().hex[:8]}")
        self.config = devcontainer_cli.read_config(self.path)
        self.uid = int(self.config["build"]["args"]["APP_UID"])
        self.user = self.config["remoteUser"]
        self.workspace = self.config["workspaceFolder"]
        bases = {arg: project.base_image(arg) for arg in project.refs}
        self.override = devcontainer_cli.write_override(self.path, bases, "devcontainer-test")
        self.outcome: dict = {}
        self.failed = ""

    def hand_checkout_to_config_user(self) -> None:
        if os.geteuid() == 0:
            for path in (self.path, *self.path.rglob("*")):
                os.lchown(path, self.uid, self.uid)
        elif os.geteuid() != self.uid:
            skip_or_fail(
                f"the dev container's user has UID {self.uid} (build.args.APP_UID) and this "
                f"user {os.geteuid()}: the mounted checkout would not be writable"
            )

    def exec(self, *command: str, check: bool = True):
        return devcontainer_cli.exec_(self.path, *command, check=check)

    def sh(self, script: str) -> str:
        return self.exec("sh", "-c", script).stdout.strip()


@pytest.fixture(scope="module")
def started_devcontainers(tmp_path_factory) -> Iterator[tuple[Path, dict[str, DevContainer]]]:
    """The dev containers this module starts, one per variant, removed at its end."""
    root = tmp_path_factory.mktemp("devcontainer")
    started: dict[str, DevContainer] = {}
    try:
        yield root, started
    finally:
        for container in started.values():
            devcontainer_cli.remove(container.path)
        leftovers = {c.path: devcontainer_cli.containers(c.path) for c in started.values()}
        assert not any(leftovers.values()), f"dev containers left behind: {leftovers}"


@pytest.fixture
def devcontainer(docker_project: DockerProject, started_devcontainers) -> DevContainer:
    problem = devcontainer_cli.missing()
    if problem:
        skip_or_fail(problem)
    root, started = started_devcontainers
    variant = docker_project.variant.id
    if variant not in started:
        container = DevContainer(docker_project, root)
        container.hand_checkout_to_config_user()
        started[variant] = container  # removed at the end even if `up` fails half-way
        try:
            container.outcome = devcontainer_cli.up(container.path, container.override)
        except AssertionError as exc:
            container.failed = str(exc)
    if started[variant].failed:  # one `up` per variant; its other tests report the same error
        pytest.fail(started[variant].failed, pytrace=False)
    return started[variant]


def test_up_starts_the_config_user_in_the_workspace(devcontainer: DevContainer) -> None:
    assert devcontainer.outcome["remoteUser"] == devcontainer.user
    assert devcontainer.outcome["remoteWorkspaceFolder"] == devcontainer.workspace
    assert devcontainer.sh("id -u; id -un; pwd").splitlines() == [
        str(devcontainer.uid),
        devcontainer.user,
        devcontainer.workspace,
    ]


def test_mounted_sources_are_writable_both_ways(devcontainer: DevContainer) -> None:
    token = uuid.uuid4().hex
    devcontainer.sh(f"echo {token} > written-in-devcontainer.txt")
    written = devcontainer.path / "written-in-devcontainer.txt"
    assert written.read_text().strip() == token, "the container's write is not on the host"
    assert written.stat().st_uid == devcontainer.uid
    (devcontainer.path / "written-on-host.txt").write_text(token)
    assert devcontainer.sh("cat written-on-host.txt") == token


def test_the_venv_is_the_images_and_needs_no_python_download(devcontainer: DevContainer) -> None:
    venv_python = f"{devcontainer.workspace}/.venv/bin/python"
    report = devcontainer.sh(
        'echo "$UV_PYTHON_DOWNLOADS"; uv python find; '
        "uv run python -c 'import sys; print(sys.base_prefix)'; "
        "uv python list --only-installed --managed-python --output-format json"
    ).splitlines()
    downloads, found, base_prefix, managed = report[0], report[1], report[2], report[-1]
    assert downloads in {"0", "never"}, "the image lets uv download a Python"
    assert found.startswith(venv_python), found
    assert base_prefix.startswith(("/usr", "/opt")), base_prefix  # the image's interpreter
    assert managed == "[]", f"uv-managed Pythons in the dev container: {managed}"
    # The venv belongs to the container user: uv may change it (`uv add` at run time).
    assert devcontainer.sh(f"stat -c %u {devcontainer.workspace}/.venv") == str(devcontainer.uid)


def test_project_tests_pass_on_the_mounted_sources(devcontainer: DevContainer) -> None:
    """`uv run pytest` in the container, with one more test written on the host: it proves the
    package is imported from the mounted checkout (the editable install), not from an image
    copy."""
    package = devcontainer.project.package_name
    probe = devcontainer.path / PROBE
    probe.write_text(
        f"import {package}\n\n\n"
        "def test_package_is_the_mounted_checkout():\n"
        f"    assert {package}.__file__.startswith({devcontainer.workspace + '/src/'!r})\n"
    )
    if os.geteuid() == 0:
        os.lchown(probe, devcontainer.uid, devcontainer.uid)
    result = devcontainer.exec("uv", "run", "pytest", "-v", "-p", "no:cacheprovider", check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{PROBE}::test_package_is_the_mounted_checkout PASSED" in result.stdout
    assert " failed" not in result.stdout
