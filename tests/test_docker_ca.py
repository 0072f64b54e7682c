"""Docker tier: with `ca_certificate_secret`, the build trusts the CA it is given as a BuildKit
secret, and the CA never reaches the image.

The package index is reached here through a TLS proxy whose CA only this machine's bundle
knows, so that bundle plays the organisation's CA. The base images are stand-ins *without* it
(`bases.build_contexts(..., with_ca=False)`): the build must fail without the secret and pass
with it.
"""

from __future__ import annotations

import pytest

from tests.conftest import skip_or_fail
from tests.docker_support import bases
from tests.docker_support.images import build_lock, image_refs
from tests.rendering import RenderedProject, run
from tests.variants import VARIANTS_BY_ID

pytestmark = pytest.mark.docker

HOST_CA = "/etc/ssl/certs/ca-certificates.crt"
FIND_CERTIFICATES = """
import os
import re
# A PEM certificate: the marker followed by base64 (ssl.py names the marker, without a body).
pem = re.compile(rb"-----BEGIN CERTIFICATE-----\\r?\\n[A-Za-z0-9+/]{40,}")
found = []
for top in ("/app", "/etc", "/usr", "/home", "/root", "/run", "/tmp", "/opt"):
    for root, _, files in os.walk(top):
        for name in files:
            path = os.path.join(root, name)
            try:
                with open(path, "rb") as handle:
                    if pem.search(handle.read(4_000_000)):
                        found.append(path)
            except OSError:
                pass
print("\\n".join(found))
"""


def docker_build(project: RenderedProject, contexts: dict[str, str], *extra: str):
    args = ["docker", "build", "--progress=plain", *extra]
    for ref, context in contexts.items():
        args += ["--build-context", f"{ref}={context}"]
    # One build at a time across workers and tests: BuildKit 0.13 can panic (and take dockerd
    # down) when a failing build shares vertices with concurrent ones; the bases are private.
    with build_lock():
        return run([*args, "."], cwd=project.path, timeout=900, check=False)


@pytest.fixture(scope="module")
def project_and_bases(render) -> tuple[RenderedProject, dict[str, str]]:
    problem = bases.engine_problem()
    if problem:
        skip_or_fail(problem)
    project = render(VARIANTS_BY_ID["catalog-ca"])
    refs = list(image_refs(project.read("Dockerfile")).values())
    uv_version = project.answers.get("uv_version") or "0.13.9"
    try:
        contexts = bases.build_contexts(refs, uv_version=uv_version, with_ca=False)
    except bases.Unbuildable as exc:
        skip_or_fail(f"local base images: {exc}")
    return project, contexts


def test_the_build_needs_the_ca_secret_and_the_image_keeps_no_ca(project_and_bases) -> None:
    project, contexts = project_and_bases
    tag = "copier-uv-docker-test-run/catalog-ca:ca-secret"

    without = docker_build(project, contexts, "--no-cache")
    assert without.returncode != 0, "the build reached the index without the organisation's CA"
    assert "uv sync" in without.stderr + without.stdout

    with_secret = docker_build(
        project, contexts, "--no-cache", "--secret", f"id=ca-certificates,src={HOST_CA}", "-t", tag
    )
    assert with_secret.returncode == 0, with_secret.stderr[-4000:]
    try:
        found = run(
            ["docker", "run", "--rm", "--entrypoint", "python", tag, "-c", FIND_CERTIFICATES],
            cwd=project.path,
        ).stdout.split()
        assert found == [], f"certificates in the final image: {found}"
        history = run(["docker", "history", "--no-trunc", tag], cwd=project.path).stdout
        assert "BEGIN CERTIFICATE" not in history
    finally:
        run(["docker", "image", "rm", "-f", tag], cwd=project.path, check=False)
