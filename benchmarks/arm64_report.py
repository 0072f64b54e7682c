"""The arm64 benchmark's builds, ratios and report (no Docker here: benchmarks/arm64.py measures).

Two builds of the same production image, from the same rendered Dockerfile: amd64 on this
amd64 machine, and linux/arm64, every step under QEMU (the Dockerfile has no cross build; this
is what `docker buildx bake release` does on one runner). Each arm64 median is reported over
the amd64 median of the same phase. With the `arm64_runner` answer the release workflow builds
arm64 on a runner of that architecture instead; there is no arm64 machine here to time that.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from benchmarks.figures import fmt, fmt_ratio, ratio, table
from benchmarks.report import measured_on, outcome_sections


@dataclass(frozen=True)
class Build:
    key: str
    title: str
    platform: str  # docker build --platform
    machine: str  # what `uname -m` prints in the image
    build_args: dict[str, str] = field(default_factory=dict)


AMD64 = Build("amd64", "amd64 (native)", "linux/amd64", "x86_64")
EMULATED = Build("arm64", "arm64, every step under QEMU", "linux/arm64", "aarch64")
BUILDS = (AMD64, EMULATED)
#: (key, title) of each timed phase.
PHASES = (("cold", "cold build"), ("edit", "rebuild after 1-line edit"))

COLD_NOTE = """\
What "cold" means here: `docker build --no-cache`, so every step of the Dockerfile runs again
(BuildKit's layer cache is ignored). Not cold, for every build kind alike: the base images
(made, pushed to the loopback registry and pulled into BuildKit by one untimed first build of
each kind before the clock starts), BuildKit's cache mounts (uv's cache already holds the
wheels of both platforms: the builder is never pruned on this shared machine), and the
kernel's page cache. So a cold build here is a new commit on a builder that has built the
project before, not a fresh machine: no figure includes downloading a base image or a wheel.
"After 1-line edit": a comment line appended to `src/<package>/__init__.py`, then
`docker build` with the layer cache of the previous build of the same kind. Every build's
image is checked before its time counts: its architecture, `uname -m` in it, and its venv's
Python importing the package with the latest edit in it."""


def ratios(builds: dict[str, Any]) -> dict[str, dict[str, float | None]]:
    """{build key: {phase: median / amd64's median}} for the arm64 builds."""
    base = builds[AMD64.key]
    return {
        b.key: {
            phase: ratio(builds[b.key][phase]["median"], base[phase]["median"])
            for phase, _title in PHASES
        }
        for b in BUILDS
        if b is not AMD64
    }


def ratio_lines(results: dict[str, Any]) -> list[str]:
    """The arm64 build over the amd64 build, per variant and phase (figures, not goals)."""
    lines = []
    for vid, r in results.items():
        rs = ratios(r["builds"])
        for phase, title in PHASES:
            emulated = fmt_ratio(rs[EMULATED.key][phase])
            lines.append(f"{vid}, {title}: arm64 under QEMU {emulated} amd64")
    return lines


def summary_table(results: dict[str, Any]) -> str:
    rows = []
    for vid, r in results.items():
        rs = ratios(r["builds"])
        for b in BUILDS:
            cells = [vid, b.title]
            for phase, _title in PHASES:
                cells.append(fmt(r["builds"][b.key][phase]["median"], "s"))
                cells.append("1x" if b is AMD64 else fmt_ratio(rs[b.key][phase]))
            rows.append(cells)
    head = ["variant", "build"]
    for _phase, title in PHASES:
        head += [title, "ratio to amd64"]
    return table(head, rows, text_columns=2)


def samples_table(results: dict[str, Any]) -> str:
    rows = []
    for vid, r in results.items():
        for b in BUILDS:
            first = fmt(r["builds"][b.key]["first"], "s")
            rows.append([vid, b.key, "first build (untimed)", first, "n/a", "n/a"])
            for phase, title in PHASES:
                fig = r["builds"][b.key][phase]
                samples = ", ".join(fmt(s, "s") for s in fig["samples"])
                rows.append(
                    [vid, b.key, title, samples, fmt(fig["min"], "s"), fmt(fig["median"], "s")]
                )
    head = ["variant", "build", "phase", "samples", "min", "median"]
    return table(head, rows, text_columns=4)


def markdown(report: dict[str, Any]) -> str:
    m = report["machine"]
    load = report["load"]
    lines = [
        "# arm64 build time over amd64, under QEMU",
        "",
        f"{measured_on(m)} ({m['buildkit']}, storage driver {m['storage_driver']}), "
        f"QEMU {m['qemu']} (qemu-user-static in binfmt_misc), uv {m['uv']}, template commit "
        f"{m['template_commit']}; medians of {report['repeat']} "
        f"repetition{'s' if report['repeat'] != 1 else ''}; one run took "
        f"{report['runtime_s'] / 60:.1f} min. Load average (1, 5, 15 min) {load['start']} at "
        f"the start, {load['end']} at the end. No timed build overlaps another build on the "
        "engine (each holds the build lock), but other work on the machine shares its CPUs.",
        "",
        f"Command: `{report['command']}`",
        "",
        summary_table(report["results"]),
        "",
        COLD_NOTE,
        "",
        "## arm64 over amd64",
        "",
        *[f"- {line}" for line in ratio_lines(report["results"])],
    ]
    lines += outcome_sections(report)
    lines += ["", "## Every sample", "", samples_table(report["results"]), ""]
    return "\n".join(lines)
