"""Docker tier: with `ca_certificate_secret`, the build trusts the CA it is given as a BuildKit
secret, and the CA never reaches the image.

The package index is reached here through a TLS proxy whose CA only this machine's bundle
knows, so that bundle plays the organisation's CA. The base images are stand-ins *without* it
(the `ca_project_and_bases` fixture: `build_contexts(..., with_ca=False)`): the build must fail
without the secret and pass with it.
"""

from __future__ import annotations

from tests.support.builds import docker_build
from tests.support.commands import run

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


def test_the_build_needs_the_ca_secret_and_the_image_keeps_no_ca(ca_project_and_bases) -> None:
    project, contexts = ca_project_and_bases
    tag = "copier-uv-docker-test-run/catalog-ca:ca-secret"

    # The stand-ins without the CA are this build's own, so a failing build shares no vertex
    # with other builds (see tests/support/build_lock.py).
    without = docker_build(project.path, contexts=contexts, options=["--no-cache"], check=False)
    assert without.returncode != 0, "the build reached the index without the organisation's CA"
    assert "uv sync" in without.stderr + without.stdout

    with_secret = docker_build(
        project.path, contexts=contexts, tag=tag, check=False,
        options=["--no-cache", "--secret", f"id=ca-certificates,src={HOST_CA}"],
    )  # fmt: skip
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
