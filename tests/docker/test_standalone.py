"""Docker tier, the standalone layout: `uv python install` fetches CPython from the
python-build-standalone mirror the build names (UV_PYTHON_INSTALL_MIRROR and
UV_PYTHON_DOWNLOADS_JSON_URL build arguments, served on 127.0.0.1 by
tests/support/standins/python_mirror.py), and the production image holds that managed Python,
no uv, and a venv whose interpreter resolves inside the image. The checks every layout passes
(user, read-only, SIGTERM, health, nothing leaked, layer reuse) run on these variants too."""

from __future__ import annotations

import pytest

from tests.support.containers import image_paths, run_in_image
from tests.support.docker_project import DockerProject
from tests.support.variants import VARIANTS

pytestmark = [
    pytest.mark.parametrize(
        "variant",
        [
            v.param()
            for v in VARIANTS
            if v.answer("image_layout") == "standalone" and v.answer("uv_install") == "image"
        ],
    ),
]


def test_the_build_fetched_python_from_the_mirror(
    docker_project: DockerProject, python_mirrors
) -> None:
    mirror = python_mirrors(docker_project.variant.answer("python_version"))
    docker_project.image()
    assert "/download-metadata.json" in mirror.requests
    assert mirror.archive_path in mirror.requests


def test_final_image_has_the_managed_python_no_uv_and_a_working_venv(
    docker_project: DockerProject, python_mirrors
) -> None:
    mirror = python_mirrors(docker_project.variant.answer("python_version"))
    image = docker_project.image()
    paths = image_paths(image)
    executables = {p.rsplit("/", 1)[-1] for p in paths if "/bin/" in f"/{p}"}
    assert not {"uv", "uvx"} & executables
    managed = f"python/cpython-{mirror.version}-linux-"
    assert [p for p in paths if p.startswith(managed)], f"no {managed}* in the image"
    script = (
        "import os, sys, ssl, sqlite3; "
        "print(os.path.realpath(sys.executable)); print(sys.prefix); "
        "print('.'.join(map(str, sys.version_info[:3])))"
    )
    result = run_in_image(
        image, "-c", script, entrypoint="/app/.venv/bin/python", options=["--read-only"]
    )
    assert result.returncode == 0, result.stderr
    real, prefix, version = result.stdout.split()
    assert real.startswith(f"/python/cpython-{mirror.version}-linux-"), real
    assert (prefix, version) == ("/app/.venv", mirror.version)
