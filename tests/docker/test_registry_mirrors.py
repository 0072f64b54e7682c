"""Docker tier, `mirrors-and-digest` through a real registry: the local bases are pushed to a
registry on 127.0.0.1 under the mirror paths an organisation would use, the variant is rendered
with those mirrors and with `uv_image_digest` set to the digest the registry reports, and
`docker build` pulls its bases from the registry, with no --build-context at all. A digest the
registry does not hold fails the build with the registry's "not found"."""

from __future__ import annotations

from tests.support.build_lock import build_lock
from tests.support.commands import run
from tests.support.containers import run_in_image
from tests.support.docker_project import DockerSession
from tests.support.engine import inspect
from tests.support.image_refs import UV_VERSION, image_refs
from tests.support.standins import LocalRegistry
from tests.support.variants import VARIANTS_BY_ID, Variant

BASE = VARIANTS_BY_ID["mirrors-and-digest"]
WRONG_DIGEST = "sha256:" + "f" * 64


def render_with(render, registry: LocalRegistry, digest: str, suffix: str):
    answers = {
        **BASE.answers,
        "dockerhub_mirror": f"{registry.host}/hub/library",
        "ghcr_mirror": f"{registry.host}/ghcr",
        "uv_image_digest": digest,
    }
    return render(Variant(f"{BASE.id}-registry-{suffix}", answers))


def push_bases(registry: LocalRegistry, session: DockerSession, dockerfile: str) -> str:
    """Push the stand-in of every base the Dockerfile names to its path in `registry`;
    return the uv image's digest as the registry reports it."""
    uv_digest = ""
    for ref in image_refs(dockerfile).values():
        public = ref.removeprefix(f"{registry.host}/hub/library/").removeprefix(
            f"{registry.host}/ghcr/"
        )
        public = public.split("@", 1)[0]
        local = session.build_contexts([public])[public].removeprefix("docker-image://")
        path = ref.removeprefix(f"{registry.host}/").split("@", 1)[0]
        pushed = registry.push(local, path)
        if "astral-sh/uv" in path:
            uv_digest = pushed.rpartition("@")[2]
    assert uv_digest, f"no uv image in {image_refs(dockerfile)}"
    return uv_digest


def test_mirrors_and_digest_build_from_the_registry_without_build_contexts(
    render, local_registry: LocalRegistry, docker_session: DockerSession
) -> None:
    # First render with a placeholder digest only to learn the mirrored references.
    probe = render_with(render, local_registry, WRONG_DIGEST, "probe")
    digest = push_bases(local_registry, docker_session, probe.read("Dockerfile"))

    project = render_with(render, local_registry, digest, "right")
    refs = image_refs(project.read("Dockerfile"))
    assert refs["UV_IMAGE"] == f"{local_registry.host}/ghcr/astral-sh/uv:{UV_VERSION}@{digest}"
    assert all(ref.startswith(f"{local_registry.host}/") for ref in refs.values()), refs
    tag = docker_session.new_tag(project.variant, "production")
    with build_lock():
        run(
            ["docker", "build", "--progress=plain", "--tag", tag, str(project.path)],
            cwd=project.path, timeout=900,
        )  # fmt: skip
    assert "/v2/ghcr/astral-sh/uv/manifests/" + digest in local_registry.log()
    assert "/v2/hub/library/python/manifests/" in local_registry.log()
    user = run_in_image(tag, "-u", entrypoint="id")
    assert user.returncode == 0, user.stderr
    assert int(user.stdout) != 0
    assert inspect(tag, "{{json .Config.Labels}}")["org.opencontainers.image.title"]

    # The probe render names a digest the registry does not hold: the build must fail there.
    wrong_tag = docker_session.new_tag(probe.variant, "production")
    with build_lock():
        failed = run(
            ["docker", "build", "--progress=plain", "--tag", wrong_tag, str(probe.path)],
            cwd=probe.path, timeout=900, check=False,
        )  # fmt: skip
    assert failed.returncode != 0
    assert "not found" in failed.stderr, failed.stderr[-2000:]
    assert WRONG_DIGEST in failed.stderr
