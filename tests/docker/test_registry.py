"""Docker tier, the local registry itself: what is pushed comes back by the digest the registry
reports, and a digest it does not hold is refused with its "not found" (the property the
mirrors-and-digest build relies on)."""

from __future__ import annotations

import io
import subprocess
import tarfile
import uuid

import pytest

from tests.support.engine import docker
from tests.support.standins import LocalRegistry


@pytest.fixture
def tiny_image() -> str:
    """A one-file image made with `docker import` (no build, so no build lock needed)."""
    name = f"copier-uv-docker-test/registry-probe:{uuid.uuid4().hex[:12]}"
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        data = name.encode()
        info = tarfile.TarInfo("probe.txt")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    subprocess.run(["docker", "import", "-", name], input=buffer.getvalue(), check=True, timeout=60)
    yield name
    docker("image", "rm", name, check=False)


def test_push_returns_the_registrys_digest_and_a_wrong_one_is_not_found(
    local_registry: LocalRegistry, tiny_image: str
) -> None:
    ref = local_registry.push(tiny_image, "hub/library/probe:1")
    assert ref.startswith(f"{local_registry.host}/hub/library/probe:1@sha256:")
    digest = ref.rpartition("@")[2]
    assert local_registry.digest("hub/library/probe:1") == digest
    pulled = docker("pull", ref)
    assert digest in pulled.stdout
    wrong = f"{ref.rpartition('@')[0]}@sha256:{'0' * 64}"
    refused = docker("pull", wrong, check=False)
    assert refused.returncode != 0
    assert "not found" in refused.stderr
    assert f"/v2/hub/library/probe/manifests/{digest}" in local_registry.log()
    docker("image", "rm", ref, check=False)
