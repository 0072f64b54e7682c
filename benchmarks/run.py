"""What each variant's image costs, side by side with a naive single-stage build.

Run from the repository root (see benchmarks/README.md):

    uv run python -m benchmarks.run [--variants id,id] [--repeat N] [--out DIR]

Per variant of tests/variants.py that this machine can build, and for the naive reference
Dockerfile (benchmarks/naive.Dockerfile) built in the same run on the same local base
images and the same rendered project, it measures render time (with and without the
copier tasks), cold build, warm rebuild after a one-line source edit, rebuild after a
dependency change, the bytes of image layers a source edit changes, image size and size
over the base image, `docker run` to first healthy answer (web) or to exit (cli), and
`docker stop`. Every timing is repeated (min and median reported); every figure also comes
as a ratio variant / naive. It writes results.md and results.json into --out, prints the
tables and pass / fall-short lines, and never fails on a fall-short.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:  # `uv run benchmarks/run.py` as well as `-m benchmarks.run`
    sys.path.insert(0, str(REPO_ROOT))

import copier  # noqa: E402

from tests.support import environment  # noqa: E402
from tests.support.base_images import build_contexts  # noqa: E402
from tests.support.image_refs import Unbuildable  # noqa: E402
from tests.support.variants import TEMPLATE_ROOT, VARIANTS, VARIANTS_BY_ID, Variant, copier_config  # noqa: E402

BENCH_DIR = Path(__file__).resolve().parent
NAIVE_DOCKERFILE = BENCH_DIR / "naive.Dockerfile"
DEFAULT_OUT = BENCH_DIR / "results"
IMAGE_PREFIX = "copier-uv-docker-bench"
MIN_REPEAT = 3
#: The layouts whose builds need nothing but the local stand-ins and the package index.
BUILDABLE_LAYOUTS = ("multistage", "uv-image")
#: The dependency added (one pinned version per repetition) for the dependency-change rebuild:
#: small, pure Python, no dependencies of its own.
DEP_PACKAGE = "six"
DEP_VERSIONS = ("1.17.0", "1.16.0", "1.15.0", "1.14.0", "1.13.0", "1.12.0")
EDIT_LIMIT_BYTES = 100_000
HEALTHY_LIMIT_S = 2.0
POLL_INTERVAL_S = 0.02
BUILD_TIMEOUT_S = 900
RUN_TIMEOUT_S = 60
STOP_TIMEOUT_S = 30
ENGINE_WAIT_S = 300

ARG_IMAGE = re.compile(r"^ARG (\w+_IMAGE)=(\S+)\s*$", re.MULTILINE)
FINAL_BASE = re.compile(r"^FROM \$\{(\w+)\} AS base\s*$", re.MULTILINE)


# --------------------------------------------------------------------------- small helpers


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def sh(
    args: list[str], *, cwd: Path | None = None, timeout: float = 120, check: bool = True
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        args, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
    )
    if check and result.returncode != 0:
        tail = "\n".join((result.stderr or result.stdout).splitlines()[-25:])
        raise RuntimeError(f"`{' '.join(args)}` exited {result.returncode}:\n{tail}")
    return result


def timed(action: Callable[[], Any]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


@dataclass
class Figure:
    """Repeated samples of one quantity (seconds or bytes) for one image."""

    samples: list[float] = field(default_factory=list)

    @property
    def min(self) -> float | None:
        return min(self.samples) if self.samples else None

    @property
    def median(self) -> float | None:
        return statistics.median(self.samples) if self.samples else None

    def as_json(self) -> dict[str, Any]:
        return {"samples": self.samples, "min": self.min, "median": self.median}


#: (key, title, unit) of every figure, in table order. "s" is seconds, "B" bytes.
FIGURES: list[tuple[str, str, str]] = [
    ("render_tasks", "render, with tasks", "s"),
    ("render_no_tasks", "render, no tasks", "s"),
    ("cold_build", "cold build", "s"),
    ("warm_rebuild", "rebuild after 1-line edit", "s"),
    ("dep_rebuild", "rebuild after dependency change", "s"),
    ("edit_layer_bytes", "layers changed by the edit", "B"),
    ("image_bytes", "image size", "B"),
    ("over_base_bytes", "size over base", "B"),
    ("venv_bytes", "venv in the image", "B"),
    ("start", "run to first healthy answer / exit", "s"),
    ("stop", "docker stop", "s"),
]
RENDER_ONLY = {"render_tasks", "render_no_tasks"}


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    if unit == "s":
        return f"{value:.2f} s" if value >= 0.1 else f"{value * 1000:.0f} ms"
    for factor, suffix in ((1e9, "GB"), (1e6, "MB"), (1e3, "kB")):
        if abs(value) >= factor:
            return f"{value / factor:.1f} {suffix}"
    return f"{value:.0f} B"


def ratio(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or b == 0:
        return None
    return a / b


def fmt_ratio(value: float | None) -> str:
    if value is None:
        return "n/a"
    return f"{value:.2f}x" if value >= 0.01 else f"{value:.1e}x"


# --------------------------------------------------------------------------- docker


def inspect(image: str, template: str) -> str:
    return sh(["docker", "image", "inspect", "--format", template, image]).stdout.strip()


def image_size(image: str) -> int:
    return int(inspect(image, "{{.Size}}"))


def image_layers(image: str) -> list[str]:
    return json.loads(inspect(image, "{{json .RootFS.Layers}}"))


def layer_sizes(image: str) -> dict[str, int]:
    """{diff id: bytes of the files in that layer}, read from overlay2's layer directories.

    `docker history` sizes cannot be matched to layers reliably (empty and zero-byte steps
    look alike); overlay2's GraphDriver data lists every layer's directory, top first.
    """
    driver = json.loads(inspect(image, "{{json .GraphDriver}}"))
    if driver.get("Name") != "overlay2":
        raise RuntimeError(f"storage driver {driver.get('Name')}: layer sizes need overlay2")
    data = driver.get("Data") or {}
    dirs = [data["UpperDir"]] + [d for d in (data.get("LowerDir") or "").split(":") if d]
    layers = image_layers(image)
    if len(dirs) != len(layers):
        raise RuntimeError(f"{len(dirs)} layer directories for {len(layers)} layers of {image}")
    return {
        diff_id: tree_bytes(Path(directory))
        for diff_id, directory in zip(reversed(layers), dirs, strict=True)
    }


def tree_bytes(root: Path) -> int:
    total = 0
    for directory, _dirs, files in os.walk(root):
        for name in files:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(directory, name)).st_size
    return total


def changed_layer_bytes(before: list[str], image: str) -> int:
    """Bytes of the layers of `image` that were not among the `before` layers."""
    old = set(before)
    sizes = layer_sizes(image)
    return sum(size for diff_id, size in sizes.items() if diff_id not in old)


@dataclass
class Image:
    """One of the two images of a comparison: the variant's or the naive one."""

    label: str  # "variant" | "naive"
    tag: str
    dockerfile: Path
    contexts: dict[str, str]  # public ref -> docker-image://local
    build_args: dict[str, str]
    base_image: str  # the local stand-in the final stage starts from
    command: list[str]  # appended to `docker run IMAGE`
    built_ids: set[str] = field(default_factory=set)

    def build(self, context: Path, *, no_cache: bool, log_dir: Path, name: str) -> float:
        iidfile = log_dir / f"{name}.iid"
        args = ["docker", "build", "--progress=plain", "--iidfile", str(iidfile), "-t", self.tag]
        args += ["-f", str(self.dockerfile)]
        if no_cache:
            args.append("--no-cache")
        for ref, local in self.contexts.items():
            args += ["--build-context", f"{ref}={local}"]
        for key, value in self.build_args.items():
            args += ["--build-arg", f"{key}={value}"]
        args.append(str(context))
        start = time.perf_counter()
        result = subprocess.run(
            args, capture_output=True, text=True, timeout=BUILD_TIMEOUT_S, check=False
        )
        elapsed = time.perf_counter() - start
        (log_dir / f"{name}.log").write_text(result.stdout + result.stderr)
        if result.returncode != 0:
            tail = "\n".join(result.stderr.splitlines()[-30:])
            raise RuntimeError(f"building {self.tag} ({name}) failed:\n{tail}")
        with contextlib.suppress(OSError):
            self.built_ids.add(iidfile.read_text().strip())
        return elapsed


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


NO_PROXY_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def healthy(url: str) -> bool:
    try:
        with NO_PROXY_OPENER.open(url, timeout=0.5) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, OSError, ValueError):
        return False


def remove_container(name: str) -> None:
    sh(["docker", "rm", "-f", name], timeout=STOP_TIMEOUT_S + 10, check=False)


def run_web(image: Image, container_port: int, name: str) -> tuple[float, float]:
    """(docker run -> first 200 from GET /health, docker stop) in seconds."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/health"
    args = ["docker", "run", "-d", "--name", name, "-p", f"127.0.0.1:{port}:{container_port}"]
    try:
        start = time.perf_counter()
        launcher = subprocess.Popen(
            [*args, image.tag, *image.command],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = start + RUN_TIMEOUT_S
        answered = None
        while time.perf_counter() < deadline:
            if healthy(url):
                answered = time.perf_counter() - start
                break
            if launcher.poll() not in (None, 0):
                break
            time.sleep(POLL_INTERVAL_S)
        _out, err = launcher.communicate(timeout=RUN_TIMEOUT_S)
        if launcher.returncode != 0:
            raise RuntimeError(f"docker run {image.tag} failed: {err.strip()}")
        if answered is None:
            logs = sh(["docker", "logs", "--tail", "20", name], check=False)
            raise RuntimeError(
                f"{image.tag}: no healthy answer on {url} within {RUN_TIMEOUT_S} s\n"
                f"{logs.stdout}{logs.stderr}"
            )
        stop = timed(lambda: sh(["docker", "stop", "-t", "10", name], timeout=STOP_TIMEOUT_S))
        return answered, stop
    finally:
        remove_container(name)


def run_cli(image: Image, name: str) -> float:
    """docker run -> exit, in seconds."""
    try:
        start = time.perf_counter()
        result = sh(
            ["docker", "run", "--name", name, image.tag, *image.command],
            timeout=RUN_TIMEOUT_S,
            check=False,
        )
        elapsed = time.perf_counter() - start
        if result.returncode != 0:
            raise RuntimeError(f"{image.tag} exited {result.returncode}: {result.stderr.strip()}")
        return elapsed
    finally:
        remove_container(name)


def layers_over_base(image: Image) -> list[dict[str, Any]]:
    """The non-empty history steps the image adds over its base: size and instruction."""

    def history(name: str) -> list[tuple[int, str]]:
        out = sh(["docker", "history", "-H=false", "--no-trunc", "--format",
                  "{{.Size}}\t{{.CreatedBy}}", name]).stdout  # fmt: skip
        return [
            (int(size), step)
            for size, _, step in (line.partition("\t") for line in out.splitlines())
        ]

    added = history(image.tag)
    added = added[: len(added) - len(history(image.base_image))]
    return [{"bytes": size, "step": step} for size, step in reversed(added) if size]


def venv_bytes(image: Image) -> int:
    result = sh(
        ["docker", "run", "--rm", "--entrypoint", "du", image.tag, "-sb", "/app/.venv"],
        timeout=RUN_TIMEOUT_S,
    )
    return int(result.stdout.split()[0])


def remove_images(image: Image) -> None:
    """Remove this benchmark's tag and the image ids its builds produced, and nothing else."""
    sh(["docker", "image", "rm", image.tag], check=False)
    for image_id in image.built_ids:
        sh(["docker", "image", "rm", image_id], check=False)


# --------------------------------------------------------------------------- rendering


def uv_version() -> str:
    return str(copier_config()["uv_version"]["default"])


def http_port() -> int:
    return int(copier_config()["http_port"]["default"])


@contextlib.contextmanager
def stdout_to_stderr() -> Iterator[None]:
    """Keep what the copier tasks print (they write to file descriptor 1) off stdout."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        os.dup2(2, 1)
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)


def render(variant: Variant, dst: Path, *, tasks: bool) -> None:
    with warnings.catch_warnings(), stdout_to_stderr():
        warnings.simplefilter("ignore")
        copier.run_copy(
            str(TEMPLATE_ROOT),
            dst,
            data=variant.answers,
            defaults=True,
            unsafe=True,
            vcs_ref="HEAD",
            quiet=True,
            skip_tasks=not tasks,
            settings=copier.Settings(),
        )


def dockerfile_images(dockerfile: Path) -> tuple[dict[str, str], str]:
    """({ARG name: public ref} of the *_IMAGE build arguments, the final stage's base ARG)."""
    text = dockerfile.read_text()
    images = dict(ARG_IMAGE.findall(text))
    match = FINAL_BASE.search(text)
    if not match or match[1] not in images:
        raise RuntimeError(f"{dockerfile}: no `FROM ${{*_IMAGE}} AS base` stage")
    return images, match[1]


@dataclass
class Plan:
    variant: Variant
    images: dict[str, str]  # ARG -> public ref
    contexts: dict[str, str]
    base_image: str
    naive_contexts: dict[str, str]
    naive_args: dict[str, str]
    naive_base: str


def naive_refs(variant: Variant) -> dict[str, str]:
    """The public references the naive Dockerfile uses for this variant: the variant's
    Python on the variant's OS (the official slim image's name) and the distroless uv."""
    mirror = variant.answer("dockerhub_mirror")
    prefix = f"{mirror}/" if mirror else ""
    python = variant.answer("python_version")
    return {
        "PYTHON_IMAGE": f"{prefix}python:{python}-slim-{variant.answer('base_os')}",
        "UV_IMAGE": f"{variant.answer('ghcr_mirror')}/astral-sh/uv:{uv_version()}",
    }


def plan(variant: Variant, scratch: Path) -> Plan:
    """What to build for `variant`, or Unbuildable with the reason this machine cannot."""
    layout = variant.answer("image_layout")
    if layout not in BUILDABLE_LAYOUTS:
        raise Unbuildable(
            f"layout {layout}: `uv python install` downloads CPython at build time; "
            f"only {' and '.join(BUILDABLE_LAYOUTS)} build on the local stand-ins here"
        )
    if layout != "uv-image" and variant.answer("uv_install") != "image":
        raise Unbuildable(
            "uv_install=installer: the build downloads uv's installer from astral.sh; "
            "only uv from the (local stand-in) uv image builds here"
        )
    dst = scratch / f"plan-{variant.id}"
    render(variant, dst, tasks=False)
    try:
        images, base_arg = dockerfile_images(dst / "Dockerfile")
    finally:
        shutil.rmtree(dst, ignore_errors=True)
    contexts = build_contexts(images.values(), uv_version=uv_version())
    refs = naive_refs(variant)
    naive_contexts = build_contexts(refs.values(), uv_version=uv_version())
    return Plan(
        variant=variant,
        images=images,
        contexts=contexts,
        base_image=contexts[images[base_arg]].removeprefix("docker-image://"),
        naive_contexts=naive_contexts,
        naive_args=refs,
        naive_base=naive_contexts[refs["PYTHON_IMAGE"]].removeprefix("docker-image://"),
    )


# --------------------------------------------------------------------------- one variant


def source_bytes(project: Path) -> int:
    """Bytes of the project's Python sources (src/ and the workspace's packages/)."""
    total = 0
    for top in ("src", "packages"):
        for path in (project / top).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                total += path.stat().st_size
    return total


def edit_target(project: Path) -> Path:
    inits = sorted((project / "src").glob("*/__init__.py"))
    if not inits:
        raise RuntimeError(f"{project}: no src/<package>/__init__.py to edit")
    return inits[0]


def set_marker(pyproject: Path, marker: str) -> None:
    """A comment line at the top of pyproject.toml that makes this run's builds unique, so no
    build hits the layer cache of an earlier run or of another variant."""
    lines = pyproject.read_text().splitlines(keepends=True)
    if lines and lines[0].startswith("# benchmark run "):
        lines = lines[1:]
    pyproject.write_text(f"# benchmark run {marker}\n" + "".join(lines))


def bench_variant(p: Plan, repeat: int, work: Path, run_id: str) -> dict[str, Any]:
    variant = p.variant
    web = variant.answer("service_kind") == "web"
    project_name = variant.answer("project_name")
    logs = work / "logs"
    logs.mkdir(parents=True)
    figures: dict[str, dict[str, Figure]] = {
        key: {"variant": Figure(), "naive": Figure()} for key, _t, _u in FIGURES
    }

    # Render time, with and without the tasks (uv lock, git init), each in a fresh directory.
    project = None
    for i in range(repeat):
        for key, tasks in (("render_tasks", True), ("render_no_tasks", False)):
            dst = work / f"render-{key}-{i}"
            figures[key]["variant"].samples.append(
                timed(lambda dst=dst, tasks=tasks: render(variant, dst, tasks=tasks))
            )
            if tasks:
                project = dst
            else:
                shutil.rmtree(dst, ignore_errors=True)
    assert project is not None
    if not (project / "uv.lock").is_file():
        raise RuntimeError(f"{variant.id}: the lock task wrote no uv.lock (no network?)")
    log(f"{variant.id}: rendered")

    images = {
        "variant": Image(
            "variant",
            f"{IMAGE_PREFIX}/{variant.id}:variant",
            project / "Dockerfile",
            p.contexts,
            {},
            p.base_image,
            [],
        ),
        "naive": Image(
            "naive",
            f"{IMAGE_PREFIX}/{variant.id}:naive",
            NAIVE_DOCKERFILE,
            p.naive_contexts,
            p.naive_args,
            p.naive_base,
            [project_name],
        ),
    }
    pyproject = project / "pyproject.toml"
    set_marker(pyproject, f"{run_id} {variant.id}")
    try:
        # Cold builds: --no-cache ignores the builder's layer cache (cache mounts persist).
        for i in range(repeat):
            for label, image in images.items():
                seconds = image.build(
                    project, no_cache=True, log_dir=logs, name=f"cold-{label}-{i}"
                )
                figures["cold_build"][label].samples.append(seconds)
        log(f"{variant.id}: cold builds done")

        # Sizes of the images as rendered.
        added: dict[str, list[dict[str, Any]]] = {}
        sources = source_bytes(project)
        for label, image in images.items():
            size = image_size(image.tag)
            figures["image_bytes"][label].samples.append(size)
            figures["over_base_bytes"][label].samples.append(size - image_size(image.base_image))
            figures["venv_bytes"][label].samples.append(venv_bytes(image))
            added[label] = layers_over_base(image)

        # Start and stop, alternating variant and naive.
        for i in range(repeat):
            for label, image in images.items():
                name = f"{IMAGE_PREFIX}-{variant.id}-{label}-{i}-{run_id}"
                if web:
                    started, stopped = run_web(image, http_port(), name)
                    figures["stop"][label].samples.append(stopped)
                else:
                    started = run_cli(image, name)
                figures["start"][label].samples.append(started)
        log(f"{variant.id}: runs done")

        # Warm rebuilds after a one-line source edit, and the layers that edit changed.
        target = edit_target(project)
        for i in range(repeat):
            with target.open("a") as handle:
                handle.write(f"# benchmark edit {run_id} {i}\n")
            for label, image in images.items():
                before = image_layers(image.tag)
                seconds = image.build(
                    project, no_cache=False, log_dir=logs, name=f"warm-{label}-{i}"
                )
                figures["warm_rebuild"][label].samples.append(seconds)
                figures["edit_layer_bytes"][label].samples.append(
                    changed_layer_bytes(before, image.tag)
                )
        log(f"{variant.id}: warm rebuilds done")

        # Rebuilds after a dependency change: `uv add` re-locks with one more small package.
        for i in range(repeat):
            set_marker(pyproject, f"{run_id} {variant.id} dep {i}")
            version = DEP_VERSIONS[i % len(DEP_VERSIONS)]
            sh(["uv", "add", "--no-sync", f"{DEP_PACKAGE}=={version}"], cwd=project, timeout=300)
            for label, image in images.items():
                seconds = image.build(
                    project, no_cache=False, log_dir=logs, name=f"dep-{label}-{i}"
                )
                figures["dep_rebuild"][label].samples.append(seconds)
        log(f"{variant.id}: dependency rebuilds done")
    finally:
        for image in images.values():
            remove_images(image)

    return {
        "answers": variant.answers,
        "layout": variant.answer("image_layout"),
        "kind": variant.answer("service_kind"),
        "images": p.images,
        "base_image": p.base_image,
        "naive_images": p.naive_args,
        "naive_base_image": p.naive_base,
        "source_bytes": sources,
        "layers_over_base": added,
        "figures": {
            key: {
                "variant": figures[key]["variant"].as_json(),
                "naive": None if key in RENDER_ONLY else figures[key]["naive"].as_json(),
                "ratio_of_medians": None
                if key in RENDER_ONLY
                else ratio(figures[key]["variant"].median, figures[key]["naive"].median),
            }
            for key, _title, _unit in FIGURES
        },
    }


# --------------------------------------------------------------------------- report


def machine() -> dict[str, Any]:
    meminfo = Path("/proc/meminfo").read_text() if Path("/proc/meminfo").exists() else ""
    mem = re.search(r"^MemTotal:\s+(\d+) kB", meminfo, re.MULTILINE)
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    model = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.MULTILINE)
    info = (
        sh(
            ["docker", "info", "--format", "{{.ServerVersion}}|{{.Driver}}|{{.CgroupVersion}}"],
            check=False,
        )
        .stdout.strip()
        .split("|")
    )
    commit = sh(["git", "rev-parse", "--short", "HEAD"], cwd=REPO_ROOT, check=False)
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cores": os.cpu_count(),
        "cpu": model[1].strip() if model else platform.processor() or platform.machine(),
        "memory_gib": round(int(mem[1]) / 2**20, 1) if mem else None,
        "kernel": platform.release(),
        "docker_server": info[0] if info else None,
        "storage_driver": info[1] if len(info) > 1 else None,
        "cgroup_version": info[2] if len(info) > 2 else None,
        "uv": uv_version(),
        "copier": copier.__version__ if hasattr(copier, "__version__") else None,
        "template_commit": commit.stdout.strip(),
    }


def checks(results: dict[str, Any]) -> list[str]:
    lines = []
    for vid, r in results.items():
        f = r["figures"]

        def med(key: str, label: str = "variant", f: dict = f) -> float | None:
            return (f[key][label] or {}).get("median")

        if r["layout"] == "multistage":
            edit = med("edit_layer_bytes")
            ok = edit is not None and edit < EDIT_LIMIT_BYTES
            lines.append(
                f"{'PASS' if ok else 'FALL SHORT'} {vid}: a one-line source edit changes "
                f"{fmt(edit, 'B')} of layers (limit {fmt(EDIT_LIMIT_BYTES, 'B')}; "
                f"naive {fmt(med('edit_layer_bytes', 'naive'), 'B')})"
            )
        warm, naive_warm = med("warm_rebuild"), med("warm_rebuild", "naive")
        ok = warm is not None and naive_warm is not None and warm <= naive_warm
        lines.append(
            f"{'PASS' if ok else 'FALL SHORT'} {vid}: warm rebuild {fmt(warm, 's')} vs naive "
            f"{fmt(naive_warm, 's')} (medians; no slower than naive)"
        )
        over, venv = med("over_base_bytes"), med("venv_bytes")
        limit = None if venv is None else venv + r["source_bytes"]
        ok = over is not None and limit is not None and over <= limit
        excess = "" if ok or over is None or limit is None else f"; {over - limit:,.0f} B over"
        lines.append(
            f"{'PASS' if ok else 'FALL SHORT'} {vid}: size over base {over or 0:,.0f} B vs venv "
            f"{venv or 0:,.0f} B + sources {r['source_bytes']:,} B = {limit or 0:,.0f} B{excess}"
        )
        if r["kind"] == "web":
            start = med("start")
            ok = start is not None and start <= HEALTHY_LIMIT_S
            lines.append(
                f"{'PASS' if ok else 'FALL SHORT'} {vid}: first healthy answer after "
                f"{fmt(start, 's')} (median; limit {HEALTHY_LIMIT_S:.0f} s; "
                f"max {fmt(max(f['start']['variant']['samples'], default=None), 's')})"
            )
    return lines


def summary_table(results: dict[str, Any]) -> str:
    keys = [k for k, _t, _u in FIGURES if k != "venv_bytes"]
    units = {k: u for k, _t, u in FIGURES}
    titles = {k: t for k, t, _u in FIGURES}
    head = "| variant | " + " | ".join(titles[k] for k in keys) + " |"
    rule = "|---|" + "---:|" * len(keys)
    rows = [head, rule]
    for vid, r in results.items():
        cells = []
        for k in keys:
            fig = r["figures"][k]
            cell = fmt(fig["variant"]["median"], units[k])
            if k not in RENDER_ONLY:
                cell += f" ({fmt_ratio(fig['ratio_of_medians'])})"
            cells.append(cell)
        rows.append(f"| {vid} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def detail_table(results: dict[str, Any]) -> str:
    rows = [
        "| variant | figure | min | median | naive min | naive median | ratio |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for vid, r in results.items():
        for key, title, unit in FIGURES:
            fig = r["figures"][key]
            v, n = fig["variant"], fig["naive"] or {}
            rows.append(
                f"| {vid} | {title} | {fmt(v['min'], unit)} | {fmt(v['median'], unit)} | "
                f"{fmt(n.get('min'), unit)} | {fmt(n.get('median'), unit)} | "
                f"{fmt_ratio(fig['ratio_of_medians'])} |"
            )
    return "\n".join(rows)


def markdown(report: dict[str, Any]) -> str:
    m = report["machine"]
    lines = [
        "# Benchmark results",
        "",
        f"Measured {m['date']} on {m['cores']} cores ({m['cpu']}), {m['memory_gib']} GiB memory, "
        f"Linux {m['kernel']}, Docker engine {m['docker_server']} (storage driver "
        f"{m['storage_driver']}, cgroup v{m['cgroup_version']}), uv {m['uv']}, template commit "
        f"{m['template_commit']}; {report['repeat']} repetitions of each timing; one run took "
        f"{report['runtime_s'] / 60:.1f} min.",
        "",
        "Medians; in brackets the ratio variant / naive (benchmarks/naive.Dockerfile, same "
        "bases, same project, built in the same run). Start is `docker run` to the first "
        "200 from GET /health (web) or to exit (cli); stop is n/a for cli images, which exit "
        "by themselves.",
        "",
        summary_table(report["results"]),
        "",
        "## Checks",
        "",
        *[f"- {line}" for line in report["checks"]],
    ]
    if report["skipped"]:
        lines += ["", "## Not measured", ""]
        lines += [f"- {vid}: {reason}" for vid, reason in report["skipped"].items()]
    if report["failed"]:
        lines += ["", "## Failed", ""]
        lines += [f"- {vid}: {reason}" for vid, reason in report["failed"].items()]
    lines += ["", "## Every figure, min and median", "", detail_table(report["results"]), ""]
    return "\n".join(lines)


# --------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    parser.add_argument(
        "--variants",
        default="",
        help="comma-separated variant ids from tests/variants.py (default: every buildable one)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=MIN_REPEAT,
        help=f"repetitions of each timing (default and minimum {MIN_REPEAT})",
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory")
    args = parser.parse_args(argv)
    if args.repeat < MIN_REPEAT:
        parser.error(f"--repeat must be at least {MIN_REPEAT}")
    wanted = [v.strip() for v in args.variants.split(",") if v.strip()]
    unknown = [v for v in wanted if v not in VARIANTS_BY_ID]
    if unknown:
        parser.error(f"unknown variant(s) {', '.join(unknown)}; known: {', '.join(VARIANTS_BY_ID)}")
    args.selected = [VARIANTS_BY_ID[v] for v in wanted] if wanted else list(VARIANTS)
    return args


@contextlib.contextmanager
def scratch_dir() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix=f"{IMAGE_PREFIX}-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def engine_answers() -> bool:
    try:
        return sh(["docker", "info"], timeout=30, check=False).returncode == 0
    except subprocess.TimeoutExpired:
        return False


def wait_for_engine() -> bool:
    log(f"the Docker engine does not answer; waiting up to {ENGINE_WAIT_S} s for it")
    deadline = time.monotonic() + ENGINE_WAIT_S
    while time.monotonic() < deadline:
        time.sleep(5)
        if engine_answers():
            time.sleep(5)  # let it settle
            return True
    return False


def on_sigterm(_signum: int, _frame: object) -> None:
    raise SystemExit(143)  # so the finally blocks remove containers, images and temp files


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, on_sigterm)
    environment.setup()  # the tests' isolation: no user copier/git settings, local Pythons
    started = time.perf_counter()
    run_id = uuid.uuid4().hex[:8]
    results: dict[str, Any] = {}
    skipped: dict[str, str] = {}
    failed: dict[str, str] = {}
    with scratch_dir() as scratch:
        plans = []
        for variant in args.selected:
            try:
                plans.append(plan(variant, scratch))
            except Unbuildable as exc:
                skipped[variant.id] = str(exc)
                log(f"{variant.id}: skipped: {exc}")
        log(f"measuring {', '.join(p.variant.id for p in plans)} ({args.repeat} repetitions)")
        for p in plans:
            for attempt in (1, 2):
                work = scratch / f"{p.variant.id}-{attempt}"
                try:
                    results[p.variant.id] = bench_variant(
                        p, args.repeat, work, f"{run_id}.{attempt}"
                    )
                    failed.pop(p.variant.id, None)
                    break
                except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
                    failed[p.variant.id] = str(exc).splitlines()[0] if str(exc) else repr(exc)
                    log(f"{p.variant.id}: FAILED (attempt {attempt}): {exc}")
                    # The engine is shared: another session may restart it under us. Once it
                    # answers again, measure this variant again from the start, once.
                    if attempt == 2 or engine_answers() or not wait_for_engine():
                        break
                finally:
                    shutil.rmtree(work, ignore_errors=True)
    report = {
        "machine": machine(),
        "repeat": args.repeat,
        "run_id": run_id,
        "runtime_s": time.perf_counter() - started,
        "results": results,
        "skipped": skipped,
        "failed": failed,
    }
    report["checks"] = checks(results)
    args.out.mkdir(parents=True, exist_ok=True)
    text = markdown(report)
    (args.out / "results.md").write_text(text)
    (args.out / "results.json").write_text(json.dumps(report, indent=2) + "\n")
    print(text)
    print(f"written: {args.out / 'results.md'}, {args.out / 'results.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
