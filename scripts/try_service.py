"""Render a service from this template with the defaults, build its image and run it.

    bash scripts/try-service.sh [DESTINATION]

The service is rendered into DESTINATION (default: ./my-service, which must not exist),
its production image is built and started, and the script waits until Docker reports it
healthy and its /health endpoint answers. Where no container registry can be reached, the
base images are replaced by local stand-ins (tests/support/standins/base_images.py) through
`--build-context`, without editing the rendered Dockerfile.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import copier

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support.builds import docker_build
from tests.support.containers import http_get_json, wait_healthy
from tests.support.image_refs import image_refs
from tests.support.standins import build_contexts
from tests.support.variants import TEMPLATE_ROOT, default_of


def say(message: str) -> None:
    print(f"try-service: {message}", flush=True)


def stand_ins(dockerfile: Path) -> dict[str, str]:
    """Local stand-ins for the base images that cannot be pulled here; {} when all can."""
    refs = image_refs(dockerfile.read_text()).values()
    missing = [
        ref
        for ref in refs
        if subprocess.run(["docker", "image", "inspect", ref], capture_output=True).returncode
        and subprocess.run(["docker", "pull", "--quiet", ref], capture_output=True).returncode
    ]
    if not missing:
        return {}
    say(f"no registry reachable for {', '.join(missing)}: using local stand-ins")
    return build_contexts(missing)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("destination", nargs="?", default="my-service", type=Path)
    parser.add_argument("--port", type=int, default=8000, help="host port (default: 8000)")
    args = parser.parse_args()
    destination = args.destination.resolve()
    if destination.exists():
        raise SystemExit(f"try-service: {destination} exists; pick another destination")

    say(f"rendering the template with its defaults into {destination}")
    copier.run_copy(
        str(TEMPLATE_ROOT), destination, defaults=True, unsafe=True, vcs_ref="HEAD", quiet=True
    )
    name = default_of("project_name")
    contexts = stand_ins(destination / "Dockerfile")
    say(f"building {name}:latest")
    docker_build(destination, contexts=contexts, tag=name)
    subprocess.run(["docker", "rm", "--force", name], capture_output=True)
    subprocess.run(
        [
            "docker",
            "run",
            "--detach",
            "--read-only",
            "--name",
            name,
            "--publish",
            f"127.0.0.1:{args.port}:8000",
            name,
        ],
        check=True,
        capture_output=True,
    )
    url = f"http://127.0.0.1:{args.port}/health"
    try:
        wait_healthy(name, timeout=60)
    except (AssertionError, RuntimeError) as exc:
        raise SystemExit(f"try-service: the service did not become healthy: {exc}") from exc
    answer = http_get_json(url)
    say(f"{name} is healthy: GET {url} -> {answer}")
    say(f"stop it with: docker rm --force {name}; its sources are in {destination}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
