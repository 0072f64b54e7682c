"""Hypothesis settings for the property tests, and the count of examples each one ran.

Under CI=true the "ci" profile runs: derandomised (a fixed seed, so every CI run draws the same
answer sets), 200 examples, no example database. Elsewhere "dev" runs fewer, random examples and
keeps failures in .hypothesis/ (git-ignored) so they are tried first next time; the failures
that were defects are pinned in the tests as `@example`s. HYPOTHESIS_PROFILE picks another.

Each property calls `record_examples`; the count reaches the terminal summary through the test
report (so it is shown under pytest-xdist too).
"""

from __future__ import annotations

import os
from collections import Counter

import pytest
from hypothesis import HealthCheck, settings

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
SLOW_IS_FINE = [HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large]

settings.register_profile(
    "ci",
    derandomize=True,
    max_examples=200,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=SLOW_IS_FINE,
)
settings.register_profile("dev", max_examples=50, deadline=None, suppress_health_check=SLOW_IS_FINE)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if IN_CI else "dev"))

_counts: Counter[str] = Counter()
EXAMPLES = "hypothesis examples"


def record_examples(what: str) -> None:
    """Count one example of the running property; `what` says what an example is."""
    _counts[what] += 1


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    outcome = yield
    if call.when == "call" and _counts:
        report = outcome.get_result()
        for what, count in _counts.items():
            report.user_properties.append((EXAMPLES, f"{item.nodeid}: {count} {what}"))
        _counts.clear()


def report_examples(terminalreporter) -> None:
    lines = [
        value
        for reports in terminalreporter.stats.values()
        for report in reports
        for key, value in getattr(report, "user_properties", [])
        if key == EXAMPLES
    ]
    if lines:
        terminalreporter.section("Hypothesis: examples run per property")
        for line in lines:
            terminalreporter.write_line(line)
