"""The Docker tier's state: a rendered variant with its local bases, and what a session made.

Everything a session creates (image tags, containers) carries a per-session token and is
removed at the end of the session; nothing else on the engine is touched.
"""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.builds import context_flags, docker_build
from tests.support.engine import docker
from tests.support.image_refs import image_refs
from tests.support.ports import free_port
from tests.support.rendering import RenderedProject, copy_rendered
from tests.support.standins import ARM64, LocalRegistry, build_contexts
from tests.support.variants import Variant, default_of

TAG_PREFIX = "copier-uv-docker-test-run"


@dataclass
class DockerProject:
    """A rendered, buildable variant and the build contexts that stand in for its bases."""

    session: DockerSession
    variant: Variant
    project: RenderedProject
    contexts: dict[str, str]  # {public ref: "docker-image://local"}
    refs: dict[str, str]  # {ARG name: public ref}
    #: More `docker build` flags this variant needs here (the standalone layout's Python mirror).
    build_flags: list[str] = field(default_factory=list)

    @property
    def path(self) -> Path:
        return self.project.path

    @property
    def project_name(self) -> str:
        return self.project.answers.get("project_name", default_of("project_name"))

    @property
    def package_name(self) -> str:
        return self.project_name.replace("-", "_")

    @property
    def kind(self) -> str:
        return self.variant.answer("service_kind")

    @property
    def layout(self) -> str:
        return self.variant.answer("image_layout")

    def context_flags(self) -> list[str]:
        return context_flags(self.contexts) + self.build_flags

    def build(
        self, target: str = "production", *, path: Path | None = None, name: str = "", check=True
    ) -> tuple[str, subprocess.CompletedProcess]:
        """(tag, result) of `docker build --target TARGET` of the rendered (or copied) project.

        check=False: the build may fail, and the result says how.
        """
        tag = self.session.new_tag(self.variant, f"{target}{'-' + name if name else ''}")
        # A build that may fail gets its bases under names of its own, so that its graph
        # shares no source vertex with any other build on the engine (see build_lock.py).
        contexts = self.contexts if check else self.session.private_contexts(self.contexts)
        result = docker_build(
            path or self.path,
            contexts=contexts,
            tag=tag,
            target=target,
            options=self.build_flags,
            check=check,
        )
        return tag, result

    def image(self, target: str = "production") -> str:
        """The rendered project's image for `target`, built once per session and shared."""
        key = (self.variant.id, target)
        if key not in self.session.images:
            self.session.images[key] = self.build(target)[0]
        return self.session.images[key]

    def copy(self, dest: Path) -> Path:
        return copy_rendered(self.path, dest)

    def base_image(self, stage_arg: str) -> str:
        """The local stand-in for the image that ARG `stage_arg` names."""
        return self.contexts[self.refs[stage_arg]].removeprefix("docker-image://")


@dataclass
class DockerSession:
    """Per-session (and per xdist worker) state: contexts, built images, started containers."""

    token: str = field(default_factory=lambda: f"{os.getpid()}-{uuid.uuid4().hex[:6]}")
    contexts: dict[tuple[str, ...], dict[str, str]] = field(default_factory=dict)
    images: dict[tuple[str, str], str] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    containers: list[str] = field(default_factory=list)
    web: dict[str, tuple[str, int]] = field(default_factory=dict)
    counter: int = 0

    def new_tag(self, variant: Variant, what: str) -> str:
        self.counter += 1
        tag = f"{TAG_PREFIX}/{variant.id}:{what}-{self.token}-{self.counter}"
        self.tags.append(tag)
        return tag

    def arm64_image(
        self, variant: Variant, project: RenderedProject, registry: LocalRegistry,
        options: Iterable[str] = (),
    ) -> str:  # fmt: skip
        """The rendered `project`'s production image for linux/arm64, built once per session
        on bases that carry both platforms (build_contexts with platform=ARM64, via `registry`)."""
        key = (variant.id, "production-arm64")
        if key not in self.images:
            refs = image_refs(project.read("Dockerfile"))
            contexts = build_contexts(list(refs.values()), platform=ARM64, registry=registry)
            tag = self.new_tag(variant, "production-arm64")
            docker_build(
                project.path, contexts=contexts, tag=tag, target="production",
                options=["--platform", ARM64, *options],
            )  # fmt: skip
            self.images[key] = tag
        return self.images[key]

    def build_contexts(self, refs: Iterable[str]) -> dict[str, str]:
        """Local bases for `refs`, once per session (base_images.py reuses existing images)."""
        key = tuple(refs)
        if key not in self.contexts:
            self.contexts[key] = build_contexts(key)
        return self.contexts[key]

    def private_contexts(self, contexts: dict[str, str]) -> dict[str, str]:
        """The same local bases under tags of this session's own (removed at its end)."""
        private = {}
        for ref, ctx in contexts.items():
            local = ctx.removeprefix("docker-image://")
            self.counter += 1
            alias = f"{TAG_PREFIX}/base:{self.token}-{self.counter}"
            docker("tag", local, alias)
            self.tags.append(alias)
            private[ref] = f"docker-image://{alias}"
        return private

    def start(self, *args: str) -> str:
        """`docker run --detach ARGS`; the container is removed when the test that started it
        ends (tests/docker/conftest.py), or at the end of the session."""
        self.counter += 1
        name = f"cuvd-test-{self.token}-c{self.counter}"
        self.containers.append(name)
        docker("run", "--detach", "--name", name, *args, timeout=120)
        return name

    def remove_containers_since(self, count: int) -> None:
        """Remove the containers started after the first `count`: a test's own, at its end."""
        removed = self.containers[count:]
        for name in removed:
            docker("rm", "--force", "--volumes", name, check=False)
        del self.containers[count:]
        self.web = {key: web for key, web in self.web.items() if web[0] not in removed}

    def start_web(self, project: DockerProject, *extra: str) -> tuple[str, int]:
        """A production web container with its port published on 127.0.0.1: (name, port)."""
        port = free_port()
        name = self.start(*extra, "--publish", f"127.0.0.1:{port}:8000", project.image())
        return name, port

    def shared_web(self, project: DockerProject) -> tuple[str, int]:
        """One running production web container per variant, shared by the read-only checks."""
        if project.variant.id not in self.web:
            self.web[project.variant.id] = self.start_web(project)
        return self.web[project.variant.id]

    def cleanup(self) -> None:
        for name in self.containers:
            docker("rm", "--force", "--volumes", name, check=False)
        for chunk in range(0, len(self.tags), 50):
            docker("rmi", "--force", *self.tags[chunk : chunk + 50], check=False, timeout=300)
