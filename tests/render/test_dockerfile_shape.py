"""Render tier: the Dockerfile a service owner reads (issue 20). The default is as plain as
uv-docker-example's multistage.Dockerfile plus what production needs, and every capability a
service did not ask for leaves not one line in it."""

from __future__ import annotations

import re

import pytest

from tests.support.dockerfile import instructions
from tests.support.rendering import RenderedProject
from tests.support.variants import VARIANTS_BY_ID, variant_params

#: The issue's budget for the default (multistage) Dockerfile.
MAX_LINES, MAX_STAGES, MAX_RUNS = 80, 5, 6


def shape(dockerfile: str) -> tuple[int, int, int]:
    """(non-blank lines, comments included; stages; RUN steps)."""
    lines = [line for line in dockerfile.splitlines() if line.strip()]
    steps = instructions(dockerfile)
    return (
        len(lines),
        sum(step.startswith("FROM ") for step in steps),
        sum(step.startswith("RUN ") for step in steps),
    )


@pytest.mark.parametrize("variant", [VARIANTS_BY_ID["defaults"].param()])
def test_the_default_dockerfile_is_within_the_budget(project: RenderedProject) -> None:
    lines, stages, runs = shape(project.read("Dockerfile"))
    assert lines <= MAX_LINES, lines
    assert stages <= MAX_STAGES, stages
    assert runs <= MAX_RUNS, runs


@pytest.mark.parametrize("variant", variant_params())
def test_no_stage_is_picked_by_expansion_and_no_shell_reads_a_tools_output(
    project: RenderedProject,
) -> None:
    dockerfile = project.read("Dockerfile")
    assert not re.search(r"^FROM [^\n]*\$\{\w+:\+", dockerfile, re.MULTILINE)
    for step in instructions(dockerfile):
        if step.startswith("RUN "):
            assert not re.search(r"\b(sed|awk|grep|tail|head)\b|>\s*/tmp/", step), step


@pytest.mark.parametrize("variant", variant_params())
def test_a_capability_not_asked_for_leaves_no_line(project: RenderedProject, variant) -> None:
    # The installer's throwaway stage installs curl and its certificates: not a capability.
    dockerfile = re.sub(
        r"^FROM \S+ AS uv\n.*?\n\n", "", project.read("Dockerfile"), flags=re.M | re.S
    )
    if not variant.answer("system_packages"):
        assert "PACKAGES" not in dockerfile
        assert not re.search(r"\b(apt-get|apk) ", dockerfile)
    if not variant.answer("ca_certificate_secret"):
        assert "ca-certificates" not in dockerfile
    if not variant.answer("package_index_name"):
        assert "uv-index" not in dockerfile
        assert "UV_INDEX_" not in dockerfile
    if not variant.answer("system_packages"):
        assert "hadolint ignore" not in dockerfile
