"""The benchmark's report: the machine, the pass / fall-short checks and the Markdown tables."""

from __future__ import annotations

import datetime as dt
import os
import platform
import re
from pathlib import Path
from typing import Any

import copier

from benchmarks.figures import FIGURES, RENDER_ONLY, fmt, fmt_ratio, table
from tests.support.commands import run
from tests.support.engine import docker
from tests.support.image_refs import UV_VERSION
from tests.support.variants import TEMPLATE_ROOT

EDIT_LIMIT_BYTES = 16_000
HEALTHY_LIMIT_S = 2.0


def machine() -> dict[str, Any]:
    meminfo = Path("/proc/meminfo").read_text() if Path("/proc/meminfo").exists() else ""
    mem = re.search(r"^MemTotal:\s+(\d+) kB", meminfo, re.MULTILINE)
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    model = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.MULTILINE)
    info = (
        docker("info", "--format", "{{.ServerVersion}}|{{.Driver}}|{{.CgroupVersion}}", check=False)
        .stdout.strip()
        .split("|")
    )
    commit = run(["git", "rev-parse", "--short", "HEAD"], cwd=TEMPLATE_ROOT, check=False)
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cores": os.cpu_count(),
        "cpu": model[1].strip() if model else platform.processor() or platform.machine(),
        "memory_gib": round(int(mem[1]) / 2**20, 1) if mem else None,
        "kernel": platform.release(),
        "docker_server": info[0] if info else None,
        "storage_driver": info[1] if len(info) > 1 else None,
        "cgroup_version": info[2] if len(info) > 2 else None,
        "uv": UV_VERSION,
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
    rows = []
    for vid, r in results.items():
        cells = [vid]
        for k in keys:
            fig = r["figures"][k]
            cell = fmt(fig["variant"]["median"], units[k])
            if k not in RENDER_ONLY:
                cell += f" ({fmt_ratio(fig['ratio_of_medians'])})"
            cells.append(cell)
        rows.append(cells)
    return table(["variant", *(titles[k] for k in keys)], rows)


def detail_table(results: dict[str, Any]) -> str:
    rows = []
    for vid, r in results.items():
        for key, title, unit in FIGURES:
            fig = r["figures"][key]
            v, n = fig["variant"], fig["naive"] or {}
            rows.append([
                vid, title, fmt(v["min"], unit), fmt(v["median"], unit),
                fmt(n.get("min"), unit), fmt(n.get("median"), unit),
                fmt_ratio(fig["ratio_of_medians"]),
            ])  # fmt: skip
    head = ["variant", "figure", "min", "median", "naive min", "naive median", "ratio"]
    return table(head, rows, text_columns=2)


def measured_on(m: dict[str, Any]) -> str:
    """The start of a report's first sentence: when, and on what machine and engine."""
    return (
        f"Measured {m['date']} on {m['cores']} cores ({m['cpu']}), {m['memory_gib']} GiB "
        f"memory, Linux {m['kernel']}, Docker engine {m['docker_server']}"
    )


#: The issue's goals against uv-docker-example's technique (figures only, never asserted).
UV_EXAMPLE_GOALS = (("cold_build", 1.0), ("warm_rebuild", 0.5), ("image_bytes", 1.0))


def uv_example_table(results: dict[str, Any]) -> str:
    """Medians of the variant and of uv-docker-example's technique, and their ratio."""
    units = {key: unit for key, _title, unit in FIGURES}
    rows = [
        "| variant | figure | variant median | uv-docker-example median | ratio | goal |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for vid, r in results.items():
        for key, goal in (*UV_EXAMPLE_GOALS, ("edit_layer_bytes", None)):
            fig = r["figures"][key]
            reference = fig.get("uv_example") or {}
            rows.append(
                f"| {vid} | {key} | {fmt(fig['variant']['median'], units[key])} | "
                f"{fmt(reference.get('median'), units[key])} | "
                f"{fmt_ratio(fig.get('ratio_to_uv_example'))} | "
                f"{'' if goal is None else f'at most {goal}x'} |"
            )
    return "\n".join(rows)


def outcome_sections(report: dict[str, Any]) -> list[str]:
    """Markdown lines for the variants a run did not measure and those that failed, with why."""
    lines: list[str] = []
    for key, title in (("skipped", "Not measured"), ("failed", "Failed")):
        if report[key]:
            lines += ["", f"## {title}", ""]
            lines += [f"- {vid}: {reason}" for vid, reason in report[key].items()]
    return lines


def markdown(report: dict[str, Any]) -> str:
    m = report["machine"]
    lines = [
        "# Benchmark results",
        "",
        f"{measured_on(m)} (storage driver {m['storage_driver']}, cgroup "
        f"v{m['cgroup_version']}), uv {m['uv']}, template commit {m['template_commit']}; "
        f"{report['repeat']} repetitions of each timing; one run took "
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
    lines += [
        "",
        "## Against uv-docker-example's multi-stage technique",
        "",
        "benchmarks/uv_example.Dockerfile, written from uv's guide, on the same bases.",
        "",
        uv_example_table(report["results"]),
    ]
    lines += outcome_sections(report)
    lines += ["", "## Every figure, min and median", "", detail_table(report["results"]), ""]
    return "\n".join(lines)
