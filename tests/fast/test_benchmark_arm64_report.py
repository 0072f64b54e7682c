"""The arm64 benchmark's report (benchmarks/arm64_report.py): the ratios it states are the
arm64 median over the amd64 median of the same phase, each line states that ratio, and the
tables show the medians measured. No Docker: the samples are drawn here."""

from __future__ import annotations

import statistics

from hypothesis import given
from hypothesis import strategies as st

from benchmarks.arm64_report import (
    AMD64,
    BUILDS,
    EMULATED,
    PHASES,
    markdown,
    ratio_lines,
    ratios,
)
from benchmarks.figures import Figure, fmt, fmt_ratio
from tests.support.hypothesis_profiles import record_examples

seconds = st.floats(min_value=0.1, max_value=600, allow_nan=False, allow_infinity=False)
samples = st.lists(seconds, min_size=1, max_size=5)
#: {build key: {phase: samples}} for one variant.
measured = st.fixed_dictionaries(
    {b.key: st.fixed_dictionaries({phase: samples for phase, _t in PHASES}) for b in BUILDS}
)


def builds_of(drawn: dict[str, dict[str, list[float]]]) -> dict:
    """The shape benchmarks/arm64.py records: Figure.as_json per phase, the first build."""
    return {
        key: {"first": 1.0} | {phase: Figure(list(s)).as_json() for phase, s in phases.items()}
        for key, phases in drawn.items()
    }


def report_of(results: dict) -> dict:
    machine = dict.fromkeys(
        ("date", "cores", "cpu", "memory_gib", "kernel", "docker_server", "buildkit",
         "storage_driver", "qemu", "uv", "template_commit"),
        "x",
    )  # fmt: skip
    return {
        "command": "uv run python -m benchmarks.arm64",
        "machine": machine,
        "load": {"start": "0", "end": "0"},
        "repeat": 3,
        "runtime_s": 60.0,
        "results": results,
        "skipped": {},
        "failed": {},
    }


@given(drawn=measured)
def test_ratios_are_arm64_medians_over_the_amd64_median_of_the_same_phase(drawn) -> None:
    rs = ratios(builds_of(drawn))
    assert set(rs) == {EMULATED.key}
    for key in rs:
        for phase, _title in PHASES:
            expected = statistics.median(drawn[key][phase]) / statistics.median(
                drawn[AMD64.key][phase]
            )
            assert rs[key][phase] == expected
    record_examples("sample sets reported")


@given(drawn=measured)
def test_each_line_states_the_arm64_ratio_of_its_phase(drawn) -> None:
    builds = builds_of(drawn)
    rs = ratios(builds)
    lines = ratio_lines({"defaults": {"builds": builds}})
    assert len(lines) == len(PHASES)
    for line, (phase, title) in zip(lines, PHASES, strict=True):
        emulated = fmt_ratio(rs[EMULATED.key][phase])
        assert line == f"defaults, {title}: arm64 under QEMU {emulated} amd64"
    record_examples("sample sets stated")


@given(drawn=measured)
def test_the_table_shows_every_median_and_ratio(drawn) -> None:
    builds = builds_of(drawn)
    rs = ratios(builds)
    text = markdown(report_of({"cli": {"builds": builds}}))
    for b in BUILDS:
        cells = []
        for phase, _title in PHASES:
            cells.append(fmt(statistics.median(drawn[b.key][phase]), "s"))
            cells.append("1x" if b is AMD64 else fmt_ratio(rs[b.key][phase]))
        assert f"| cli | {b.title} | " + " | ".join(cells) + " |" in text.splitlines()
    record_examples("sample sets tabulated")


def test_the_report_says_what_was_not_cold() -> None:
    drawn = {b.key: {phase: [1.0] for phase, _t in PHASES} for b in BUILDS}
    text = markdown(report_of({"cli": {"builds": builds_of(drawn)}}))
    assert "--no-cache" in text
    assert "cache mounts" in text
    assert "base images" in text
