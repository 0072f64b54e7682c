"""Root fixtures, shared by more than one tier: rendered variants and the update releases.

Each tier's folder (fast, render, project, update, docker) has a conftest.py of its own that
applies its marker once and holds that tier's fixtures; the helpers are in tests/support/.
"""

from __future__ import annotations

import pytest

from tests.support import environment
from tests.support.buildability import unbuildable_by_answers
from tests.support.ci import skip_or_fail
from tests.support.hypothesis_profiles import pytest_runtest_makereport, report_examples  # noqa: F401
from tests.support.releases import (
    NEWER_COMMIT_LINE,
    TemplateRepo,
    commit_exists,
    release_commits,
    snapshot,
)
from tests.support.rendering import RenderedProject, Renderer
from tests.support.update_scenario import make_releases
from tests.support.variants import VARIANTS, Variant

environment.setup()

# The fixture projects' own tests are theirs: they run in the adopted images, not here.
collect_ignore = ["fixtures"]


@pytest.fixture(scope="session")
def render(copie_session) -> Renderer:
    """render(variant) -> RenderedProject, rendered once per session."""
    return Renderer(copie_session)


@pytest.fixture
def project(render, variant: Variant) -> RenderedProject:
    """The parametrized `variant`, rendered (once per session)."""
    return render(variant)


@pytest.fixture(scope="module")
def releases(tmp_path_factory) -> TemplateRepo:
    """A template repository tagged 0.1.0 (the template now), 0.2.0 and 0.3.0."""
    return make_releases(tmp_path_factory.mktemp("releases"))


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> TemplateRepo:
    """Every release of RELEASES.toml, tagged, then the template now plus one change (HEAD)."""
    template = TemplateRepo(tmp_path_factory.mktemp("history") / "template")
    for version, commit in release_commits().items():
        if commit != "HEAD" and not commit_exists(commit):
            skip_or_fail(
                f"release {version}'s commit {commit} is not in this clone (fetch-depth 0)"
            )
        template.put(snapshot(commit))
        template.commit(f"release {version}", tag=version)
    template.put(snapshot("HEAD"))
    template.write("template/.gitignore", template.read("template/.gitignore") + NEWER_COMMIT_LINE)
    template.commit("the template now, plus one change")
    return template


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # All tests of one variant, whatever their tier, run on the same xdist worker (with
    # `--dist loadgroup`), which renders it once.
    for item in items:
        variant = getattr(item, "callspec", None) and item.callspec.params.get("variant")
        if variant is not None:
            item.add_marker(pytest.mark.xdist_group(variant.id))


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    report_examples(terminalreporter)
    # Here, not in tests/docker/conftest.py: under pytest-xdist the controller, which writes
    # this summary, never loads the conftest files below tests/.
    ran_docker = any(
        getattr(report, "nodeid", "").startswith("tests/docker/")
        for reports in terminalreporter.stats.values()
        for report in reports
    )
    if not ran_docker:
        return
    terminalreporter.section("Docker tier: variants not built on this machine")
    for variant in VARIANTS:
        if reason := unbuildable_by_answers(variant):
            terminalreporter.write_line(f"{variant.id}: {reason}")
