"""Every image reference the template renders is one upstream publishes (upstream-images.toml).

The image choices are a finite space: every Python x OS x layout x uv install (through
registry mirrors and a digest for every other Python) is rendered, tasks skipped, and is either
refused at the question with what to pick instead, or names only references the data file lists
as published (or, where nothing readable here could confirm them, as unconfirmed). The named
variants are checked with all their other answers. A cross build's wheel tag follows the base's
C library. When copier.yml's uv version moves without new facts, the check fails.
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support.answer_space import choice_values
from tests.support.ci_checks import jinja_compiles_memoised, render, template_snapshot
from tests.support.image_refs import Unbuildable, stand_in
from tests.support.upstream_images import (
    RENDERABLE,
    UnlistedImage,
    facts,
    glibc,
    manylinux_tags,
    problem,
    public_name,
    rendered_references,
    uv_facts,
)
from tests.support.variants import VARIANTS, VARIANTS_BY_ID, default_of

UV_VERSION = default_of("uv_version")
MIRRORS = {
    question: VARIANTS_BY_ID["mirrors-and-digest"].answer(question)
    for question in ("dockerhub_mirror", "ghcr_mirror", "uv_image_digest")
}


def image_choices() -> list[Any]:
    """Every answer set of the questions that choose images. Mirrors (which change a
    reference's prefix, never its tag) alternate with the Python version, so that every OS,
    layout and uv install is rendered both with the public names and through mirrors."""
    params = []
    for index, python in enumerate(choice_values("python_version")):
        mirrored = index % 2 == 1
        for base_os in choice_values("base_os"):
            for layout in choice_values("image_layout"):
                # uv_install is asked only when the layout brings its own uv.
                installs = ["image"] if layout == "uv-image" else choice_values("uv_install")
                for install in installs:
                    answers = {
                        "python_version": python,
                        "base_os": base_os,
                        "image_layout": layout,
                        "uv_install": install,
                        **(MIRRORS if mirrored else {}),
                    }
                    name = f"py{python}-{base_os}-{layout}-{install}{'-mirrors' * mirrored}"
                    params.append(pytest.param(answers, id=name))
    return params


def unpublished(project: Path) -> list[str]:
    """The rendered references upstream-images.toml does not allow, with file and reason."""
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    own = {answers["project_name"], answers["image_repository"]}
    found = []
    for file, ref in sorted(rendered_references(project)):
        if re.split(r"[:@]", ref, maxsplit=1)[0] in own:
            continue  # the service's own image, built here
        public = public_name(
            ref,
            dockerhub_mirror=answers.get("dockerhub_mirror", ""),
            ghcr_mirror=answers.get("ghcr_mirror", "ghcr.io"),
        )
        if reason := problem(public):
            found.append(f"{file}: {ref}: {reason}")
    return found


def wrong_wheel_tags(project: Path, base_os: str) -> list[str]:
    """manylinux tags that are not the lower of the base's glibc and the pinned uv's highest."""
    tags = manylinux_tags(project)
    if base_os not in facts()["suites"]:
        return [f"{file}: manylinux_{tag} on {base_os}" for file, tag in sorted(tags)]
    suite = tuple(int(n) for n in glibc(base_os).split("."))
    uv_max = tuple(int(n) for n in uv_facts(UV_VERSION)["manylinux_max"].split("_"))
    expected = "_".join(map(str, min(suite, uv_max)))
    return [f"{file}: manylinux_{tag}, not {expected}" for file, tag in tags if tag != expected]


def refusal(template: Path, project: Path, answers: dict[str, Any]) -> str | None:
    """Render `answers` into `project`; Copier's refusal, or None when it rendered."""
    try:
        with jinja_compiles_memoised():
            render(template, project, answers)
    except ValueError as refused:
        return str(refused)
    return None


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    return template_snapshot(tmp_path_factory.mktemp("template"))


def test_the_data_file_has_a_source_for_every_fact_and_facts_for_the_pinned_uv() -> None:
    data = facts()
    for name, entry in data["images"].items():
        assert entry["status"] in (*RENDERABLE, "removed"), name
        assert entry["sources"], name
        assert set(entry["sources"]) <= data["sources"].keys(), name
        if entry["status"] != "published":
            assert entry.get("note"), f"{name}: say what could not be confirmed, or since when"
    for table in (*data["suites"].values(), *data["uv"].values()):
        assert set(table["sources"]) <= data["sources"].keys()
    uv_facts(UV_VERSION)  # copier.yml's pin has its facts
    assert data["images"][f"ghcr.io/astral-sh/uv:{UV_VERSION}"]["status"] == "published"
    debian = [os for os in choice_values("base_os") if os != "alpine"]
    assert sorted(data["suites"]) == sorted(debian)


@pytest.mark.parametrize("answers", image_choices())
def test_every_image_choice_renders_published_references_or_is_refused(
    answers, template, tmp_path
) -> None:
    project = tmp_path / "project"
    if refused := refusal(template, project, answers):
        assert re.search(r"'(base_os|image_layout|uv_install)'", refused)
        assert "pick" in refused, f"the refusal says what to choose instead: {refused}"
        return
    assert unpublished(project) == []
    assert wrong_wheel_tags(project, answers["base_os"]) == []


@pytest.mark.parametrize("variant", [v.param() for v in VARIANTS])
def test_every_variant_renders_published_references(variant, template, tmp_path) -> None:
    assert refusal(template, tmp_path / "project", variant.answers) is None
    assert unpublished(tmp_path / "project") == []
    assert wrong_wheel_tags(tmp_path / "project", variant.answer("base_os")) == []


def test_a_uv_pin_without_facts_fails_the_check(tmp_path) -> None:
    """The template's pin moves (by hand or by Renovate in this repository) and nobody adds the
    new release's facts: the data check and the rendered references both say so."""
    moved = template_snapshot(tmp_path / "template")
    config = moved / "copier.yml"
    pinned = f'default: "{UV_VERSION}"'
    assert pinned in config.read_text()
    config.write_text(config.read_text().replace(pinned, 'default: "99.0.0"'))
    render(moved, tmp_path / "project", {})
    assert any(
        "ghcr.io/astral-sh/uv:99.0.0: not listed" in line
        for line in unpublished(tmp_path / "project")
    )
    with pytest.raises(ValueError, match=r'no \[uv\."99\.0\.0"\] entry'):
        uv_facts("99.0.0")


def test_a_stand_in_is_made_only_for_a_listed_reference() -> None:
    """The Docker tier's stand-ins: a removed or unlisted reference is an error, never a
    stand-in; a listed one, by any mirror path, gets one (or a reason this machine cannot)."""
    for ref in (
        f"ghcr.io/astral-sh/uv:{UV_VERSION}-python3.11-bookworm-slim",  # removed upstream
        "python:3.13.1-slim",  # never rendered, never listed
        f"{MIRRORS['ghcr_mirror']}/astral-sh/uv:0.0.1",
    ):
        with pytest.raises(UnlistedImage):
            stand_in(ref, UV_VERSION)
    for public, entry in facts()["images"].items():
        if entry["status"] in RENDERABLE:
            ghcr = public.removeprefix("ghcr.io/")
            mirror = MIRRORS["ghcr_mirror"] if ghcr != public else MIRRORS["dockerhub_mirror"]
            for ref in (public, f"{mirror}/{ghcr}@{MIRRORS['uv_image_digest']}"):
                # Listed: a stand-in, or a reason this machine cannot make one (Alpine).
                with contextlib.suppress(Unbuildable):
                    stand_in(ref, UV_VERSION)
