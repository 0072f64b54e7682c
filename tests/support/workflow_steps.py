"""Running a GitHub Actions job's shell steps here, as the runner would (bash, -eo pipefail).

The `run:` steps execute as written, in the given working directory, with the job's and the
step's `env`, `$GITHUB_OUTPUT` and `$RUNNER_TEMP`. A step's `if:` is evaluated for the plain
comparisons the template's workflows use (`steps.ID.outputs.NAME == 'value'`, `!=`,
`steps.ID.outcome`); anything else fails the test, so a workflow cannot outgrow what is proven
here unnoticed. `uses:` steps are GitHub's (checkout, artifacts, pull requests): the test does
their part itself.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

EXPRESSION = re.compile(r"\$\{\{\s*([\w.-]+)\s*\}\}")
CONDITION = re.compile(r"^\s*([\w.-]+)\s*(==|!=)\s*'([^']*)'\s*$")


def expression(value: str, context: dict[str, str]) -> str:
    """GitHub's `${{ a.b }}` substitution, for the plain references the workflows use."""
    return EXPRESSION.sub(lambda m: context[m.group(1)], value)


def read_outputs(path: Path) -> dict[str, str]:
    """A step's `$GITHUB_OUTPUT` file: one `name=value` per line."""
    if not path.exists():
        return {}
    return dict(line.split("=", 1) for line in path.read_text().splitlines() if line)


@dataclass
class StepResult:
    name: str
    outcome: str  # success, failure or skipped, as GitHub names it
    outputs: dict[str, str] = field(default_factory=dict)
    stdout: str = ""
    stderr: str = ""


@dataclass
class JobRun:
    """One run of a job's steps in `cwd`; `context` holds the expressions they may read."""

    job: dict[str, Any]
    cwd: Path
    runner_temp: Path
    context: dict[str, str] = field(default_factory=dict)
    extra_env: dict[str, str] = field(default_factory=dict)
    #: The outputs of `uses:` steps whose part the test played (by step id).
    given: dict[str, dict[str, str]] = field(default_factory=dict)
    results: dict[str, StepResult] = field(default_factory=dict)

    def lookup(self, reference: str) -> str:
        parts = reference.split(".")
        if parts[0] == "steps" and len(parts) >= 3:
            result = self.results.get(parts[1])
            if result is None:
                return ""
            if parts[2] == "outcome":
                return result.outcome
            if parts[2] == "outputs" and len(parts) == 4:
                return result.outputs.get(parts[3], "")
        if reference in self.context:
            return self.context[reference]
        raise AssertionError(f"the test cannot evaluate {reference!r}")

    def allowed(self, condition: str | None) -> bool:
        if condition is None:
            return True
        match = CONDITION.match(condition)
        assert match, f"a condition the test cannot evaluate: {condition!r}"
        reference, operator, literal = match.groups()
        return (self.lookup(reference) == literal) == (operator == "==")

    def substitute(self, value: str) -> str:
        return EXPRESSION.sub(lambda m: self.lookup(m.group(1)), value)

    def run(self, *, stop_on_failure: bool = True, until: str | None = None) -> JobRun:
        """Every step in order, or up to and including the step `until`; GitHub's `uses:`
        steps are recorded as skipped, or as succeeded with the outputs `given` for them."""
        for number, step in enumerate(self.job["steps"]):
            key = step.get("id") or step.get("name") or f"step-{number}"
            if "run" not in step and key in self.given:
                self.results[key] = StepResult(key, "success", self.given[key])
                continue
            if "run" not in step or not self.allowed(step.get("if")):
                self.results[key] = StepResult(key, "skipped")
                continue
            result = self.run_step(key, step)
            self.results[key] = result
            if result.outcome == "failure" and stop_on_failure:
                raise AssertionError(
                    f"step {key!r} failed\n--- stdout\n{result.stdout[-3000:]}\n"
                    f"--- stderr\n{result.stderr[-3000:]}"
                )
            if key == until:
                break
        return self

    def run_step(self, key: str, step: dict[str, Any]) -> StepResult:
        output = self.runner_temp / f"github-output-{key.replace(' ', '-')}"
        output.unlink(missing_ok=True)
        env = {
            name: self.substitute(str(value))
            for name, value in {**self.job.get("env", {}), **step.get("env", {})}.items()
        }
        completed = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
            cwd=self.cwd,
            env={
                **os.environ,
                **self.extra_env,
                **env,
                "RUNNER_TEMP": str(self.runner_temp),
                "GITHUB_OUTPUT": str(output),
            },
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        outcome = "success" if completed.returncode == 0 else "failure"
        return StepResult(key, outcome, read_outputs(output), completed.stdout, completed.stderr)

    def outcome(self, key: str) -> str:
        return self.results[key].outcome

    def outputs(self, key: str) -> dict[str, str]:
        return self.results[key].outputs


def workflow_jobs(path: Path) -> dict[str, dict[str, Any]]:
    return yaml.safe_load(path.read_text())["jobs"]
