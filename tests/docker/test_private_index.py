"""Docker tier: a service that depends on a package from an authenticated private index.

A real index (pypiserver with an htpasswd file) on 127.0.0.1 holds a small package built in the
test. The rendered service depends on it: host uv locks with the credentials in its environment,
the image builds with them as BuildKit secrets, runs and imports the package; without the
secrets the build fails with an authentication error; the password is nowhere in uv.lock, the
saved image (`docker save`) or its history. The build reaches the host's loopback index through
`--network host`.
"""

from __future__ import annotations

import io
import os
import secrets
import subprocess
import sys
import tarfile
import urllib.request
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import copier
import pytest
import yaml

from tests.support import builds
from tests.support.build_lock import build_lock
from tests.support.commands import run
from tests.support.containers import poll, run_in_image
from tests.support.docker_project import DockerSession
from tests.support.image_refs import image_refs
from tests.support.ports import free_port
from tests.support.variants import TEMPLATE_ROOT

pytestmark = pytest.mark.docker

INDEX = "corp-pypi"
ENV = "UV_INDEX_CORP_PYPI"
USER = "builder"
PACKAGE = "corp-greeting"
GREETING = "hello from the private index"


@dataclass
class Index:
    url: str
    password: str

    def env(self) -> dict[str, str]:
        return {f"{ENV}_USERNAME": USER, f"{ENV}_PASSWORD": self.password}


def uv(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    uv_bin = str(Path(sys.executable).with_name("uv"))
    return subprocess.run(
        [uv_bin, *args], cwd=cwd, env={**os.environ, **(env or {})},
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


def build_package(where: Path) -> Path:
    """A one-module wheel, built here with uv."""
    source = where / PACKAGE
    source.mkdir(parents=True)
    (source / "pyproject.toml").write_text(
        f'[project]\nname = "{PACKAGE}"\nversion = "1.0.0"\nrequires-python = ">=3.11"\n\n'
        '[build-system]\nrequires = ["uv_build>=0.13.6,<0.14"]\nbuild-backend = "uv_build"\n'
    )
    module = source / "src" / "corp_greeting"
    module.mkdir(parents=True)
    (module / "__init__.py").write_text(f"def hello() -> str:\n    return {GREETING!r}\n")
    built = uv("build", "--wheel", "--out-dir", str(where / "packages"), cwd=source)
    assert built.returncode == 0, built.stderr
    return where / "packages"


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> Iterator[Index]:
    where = tmp_path_factory.mktemp("catalog-index")
    packages = build_package(where)
    with warnings.catch_warnings():
        # passlib (pypiserver's htpasswd support) imports the standard library's `crypt`.
        warnings.filterwarnings("ignore", "'crypt' is deprecated", DeprecationWarning)
        from passlib.apache import HtpasswdFile
    password = secrets.token_hex(16)
    htpasswd = HtpasswdFile(str(where / "htpasswd"), new=True, default_scheme="apr_md5_crypt")
    htpasswd.set_password(USER, password)
    htpasswd.save()
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "pypiserver", "run", "--host", "127.0.0.1", "--port", str(port),
         "--passwords", str(where / "htpasswd"), "--authenticate", "download,list,update",
         str(packages)],
        stdout=subprocess.DEVNULL, stderr=(where / "server.log").open("w"),
    )  # fmt: skip
    try:
        poll(
            lambda: urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2),
            timeout=30, what="pypiserver",
        )  # fmt: skip
        yield Index(f"http://127.0.0.1:{port}/simple/", password)
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="module")
def service(index: Index, tmp_path_factory) -> Path:
    """A CLI service whose one dependency comes from the private index, locked on the host."""
    path = tmp_path_factory.mktemp("catalog-service") / "svc"
    copier.run_copy(
        str(TEMPLATE_ROOT), path, vcs_ref="HEAD", defaults=True, skip_tasks=True, quiet=True,
        settings=copier.Settings(),
        data={"project_name": "indexed-svc", "service_kind": "cli",
              "package_index_name": INDEX, "package_index_url": index.url},
    )  # fmt: skip
    added = uv("add", "--index", INDEX, PACKAGE, cwd=path, env=index.env())
    assert added.returncode == 0, added.stderr
    return path


@pytest.fixture(scope="module")
def contexts(service: Path, docker_session: DockerSession) -> dict[str, str]:
    refs = image_refs((service / "Dockerfile").read_text())
    return docker_session.build_contexts(refs.values())


def docker_build(
    service: Path, contexts: dict[str, str], tag: str, *secret_flags: str, env: dict | None = None
) -> subprocess.CompletedProcess:
    options = ["--no-cache", "--network", "host", *secret_flags]
    return builds.docker_build(
        service, contexts=contexts, tag=tag, options=options, check=False, env=env
    )


SECRETS = (
    "--secret", f"id=uv-index-username,env={ENV}_USERNAME",
    "--secret", f"id=uv-index-password,env={ENV}_PASSWORD",
)  # fmt: skip


def saved_image_contains(tag: str, needle: bytes) -> list[str]:
    """Names of the files in `docker save` (layers unpacked too) that contain `needle`."""
    saved = subprocess.run(["docker", "save", tag], capture_output=True, check=True, timeout=300)
    found = []

    def scan(data: bytes, prefix: str) -> None:
        with tarfile.open(fileobj=io.BytesIO(data)) as archive:
            for member in archive.getmembers():
                if not member.isfile():
                    continue
                content = archive.extractfile(member).read()  # type: ignore[union-attr]
                if needle in content:
                    found.append(prefix + member.name)
                if content[257:262] == b"ustar":  # a layer is a tar of its own
                    scan(content, f"{prefix}{member.name}!")

    scan(saved.stdout, "")
    return found


def test_the_lock_holds_the_index_url_and_no_credentials(service: Path, index: Index) -> None:
    lock = (service / "uv.lock").read_text()
    assert f'registry = "{index.url.rstrip("/")}' in lock or index.url in lock
    assert index.password not in lock
    assert USER not in lock
    assert index.password not in (service / "pyproject.toml").read_text()


def test_a_service_builds_with_the_index_secrets_and_imports_the_package(
    service: Path, index: Index, contexts: dict[str, str], docker_session: DockerSession
) -> None:
    tag = f"catalog-private-index:{docker_session.token}"
    docker_session.tags.append(tag)
    built = docker_build(service, contexts, tag, *SECRETS, env=index.env())
    assert built.returncode == 0, built.stderr[-4000:]

    # The package is in the image: no network needed to import it.
    ran = run_in_image(
        tag, "-c", "import corp_greeting; print(corp_greeting.hello())",
        entrypoint="python", options=["--network", "none"],
    )  # fmt: skip
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip() == GREETING

    history = run(["docker", "history", "--no-trunc", tag], cwd=service).stdout
    assert index.password not in history
    assert saved_image_contains(tag, index.password.encode()) == []
    # The scan is real: the package's own text is found in a layer.
    assert saved_image_contains(tag, GREETING.encode())


def test_without_the_secrets_the_build_fails_with_an_authentication_error(
    service: Path, index: Index, contexts: dict[str, str], docker_session: DockerSession
) -> None:
    tag = f"catalog-private-index:{docker_session.token}-nosecret"
    docker_session.tags.append(tag)
    # A build that may fail uses private base tags (see images.BUILD_LOCK).
    built = docker_build(service, docker_session.private_contexts(contexts), tag)
    assert built.returncode != 0
    output = built.stdout + built.stderr
    assert "401 Unauthorized" in output, output[-4000:]
    assert PACKAGE in output


def test_compose_builds_with_the_credentials_from_the_environment(
    service: Path, index: Index, contexts: dict[str, str], docker_session: DockerSession, tmp_path
) -> None:
    """compose.yaml's build secrets come from the variables uv reads on the host."""
    tag = f"catalog-private-index:{docker_session.token}-compose"
    docker_session.tags.append(tag)
    # Test-only: the loopback index needs the host network; the bases are local stand-ins.
    override = tmp_path / "compose.override.yaml"
    override.write_text(
        yaml.safe_dump(
            {"services": {"app": {"image": tag, "build": {
                "network": "host", "additional_contexts": contexts}}}}
        )
    )  # fmt: skip
    env = {**os.environ, **index.env(), "COMPOSE_PROJECT_NAME": f"catalog-{docker_session.token}"}
    compose = ["docker", "compose", "-f", "compose.yaml", "-f", str(override)]
    with build_lock():
        built = subprocess.run(
            [*compose, "build", "--no-cache", "app"], cwd=service, env=env,
            capture_output=True, text=True, timeout=900, check=False,
        )  # fmt: skip
    assert built.returncode == 0, built.stderr[-4000:]
    ran = run_in_image(
        tag, "-c", "import corp_greeting; print(corp_greeting.hello())",
        entrypoint="python", options=["--network", "none"],
    )  # fmt: skip
    assert ran.stdout.strip() == GREETING, ran.stderr
    history = run(["docker", "history", "--no-trunc", tag], cwd=service).stdout
    assert index.password not in history


# Test-only stages appended to a copy of the rendered Dockerfile: the same build reads back the
# uv cache mount its `deps` stage filled (a later build may find it garbage-collected).
SCAN_CACHE = """
FROM build AS cache-scan
RUN --mount=type=cache,target=/root/.cache/uv --mount=type=secret,id=needle \\
    (grep -rlFf /run/secrets/needle /root/.cache/uv || true) > /with-password \\
 && (grep -rlF corp_greeting /root/.cache/uv || true) > /with-package
FROM scratch AS cache-report
COPY --from=cache-scan /with-password /with-package /
"""


def test_the_uv_cache_mount_keeps_no_password(
    service: Path, index: Index, contexts: dict[str, str], tmp_path
) -> None:
    dockerfile = tmp_path / "Dockerfile.scan"
    dockerfile.write_text((service / "Dockerfile").read_text() + SCAN_CACHE)
    (tmp_path / "needle").write_text(index.password)
    scan = builds.docker_build(
        service, contexts=contexts, target="cache-report",
        options=["--no-cache", "--network", "host", *SECRETS,
                 "--secret", f"id=needle,src={tmp_path / 'needle'}", "-f", str(dockerfile),
                 "--output", f"type=local,dest={tmp_path / 'out'}"],
        check=False, env=index.env(),
    )  # fmt: skip
    assert scan.returncode == 0, scan.stderr[-4000:]
    assert (tmp_path / "out" / "with-package").read_text().strip(), "uv did not use this cache"
    assert (tmp_path / "out" / "with-password").read_text() == ""
