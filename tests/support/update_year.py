"""A year of template releases against services whose teams edited them: which updates conflict.

The template (as it is now, or at a commit) is tagged 1.0.0 in a temporary repository; each
release below changes that snapshot as the template's maintainers would, and is tagged. Each
service is rendered from 1.0.0 (tasks run: uv lock, git init), its team makes its everyday
edits and commits them, then `copier update` takes it through every release in turn. After each
update the conflicted files are recorded with whether the team and the release touched them;
a conflict is resolved as a team would keep its own side, re-locked and committed.

One release changes a setting every team changed too (ruff's line length): its conflict, in
that file, is the one that belongs. Every other conflict is needless: the goal is none.
Used by benchmarks/update_year.py (the whole year, printed) and the update tier (a short year).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.commands import git, run
from tests.support.readme_example import LIST_ARG
from tests.support.releases import (
    TemplateRepo,
    commit_all,
    conflicted_files,
    rej_files,
    render_release,
    snapshot,
)
from tests.support.rendering import copy_project, project_files, update_project
from tests.support.variants import VARIANTS_BY_ID

FIRST = "1.0.0"
CONFLICT_BLOCK = re.compile(
    r"^<<<<<<< before updating\n(.*?)^=======\n.*?^>>>>>>> after updating\n",
    re.MULTILINE | re.DOTALL,
)


# ---------------------------------------------------------------------------------------------
# The releases: each edits the template snapshot. Edits find their place by content, so they
# apply to the template before and after a restructuring.
def template_file(template: TemplateRepo, holding: str) -> str:
    """The one template file (under template/) that holds `holding`."""
    found = [
        name
        for name in sorted(project_files(template.path / "template"))
        if holding in (template.path / "template" / name).read_text()
    ]
    assert len(found) == 1, f"{holding!r} is in {found}, not in exactly one template file"
    return f"template/{found[0]}"


def bump_tools(template: TemplateRepo) -> None:
    """uv (Dockerfile, workflows, pre-commit), and the lower bounds of ruff and pytest."""
    config = template.read("copier.yml")
    version = re.search(r'^uv_version:\n  type: str\n  default: "([0-9.]+)"', config, re.M)
    assert version, "copier.yml has no uv_version default"
    major, minor, patch = version[1].split(".")
    template.edit(
        "copier.yml", f'default: "{version[1]}"', f'default: "{major}.{minor}.{int(patch) + 1}"'
    )
    for old, new in (('"ruff>=0.15"', '"ruff>=0.15.1"'), ('"pytest>=8"', '"pytest>=8.3"')):
        template.edit(template_file(template, old), old, new)


def new_lint_rule(template: TemplateRepo) -> None:
    name = template_file(template, "select = [")
    text = template.read(name)
    template.write(name, re.sub(r"^(select = \[.*)\]$", r'\1, "C4"]', text, count=1, flags=re.M))


def new_dev_tool(template: TemplateRepo) -> None:
    line = '"pytest>=8'
    name = template_file(template, line)
    text = template.read(name)
    found = re.search(r'^( *)"pytest>=8[^"]*",\n', text, re.M)
    assert found, f"{name}: no pytest line in a list"
    added = f'{found[0]}{found[1]}"pytest-cov>=5",\n'
    template.write(name, text.replace(found[0], added, 1))


def dockerfile_improvement(template: TemplateRepo) -> None:
    """A synthetic one: Python's fault handler on, after the first WORKDIR /app of each layout's
    Dockerfile."""
    dockerfiles = sorted((template.path / "template").glob("*Dockerfile*.jinja"))
    assert dockerfiles, "the template has no Dockerfile"
    for path in dockerfiles:
        text = path.read_text()
        assert "\nWORKDIR /app\n" in text, f"{path.name}: no WORKDIR /app line"
        path.write_text(
            text.replace("\nWORKDIR /app\n", "\nWORKDIR /app\nENV PYTHONFAULTHANDLER=1\n", 1)
        )


def bump_action_pins(template: TemplateRepo) -> None:
    """actions/checkout to a newer commit, in every workflow."""
    pin = re.compile(r"actions/checkout@[0-9a-f]{40} # v[0-9.]+")
    workflows = [
        path
        for path in sorted((template.path / "template").rglob("*.yml.jinja"))
        if pin.search(path.read_text())
    ]
    assert workflows, "no workflow pins actions/checkout"
    for path in workflows:
        path.write_text(pin.sub("actions/checkout@" + "1" * 40 + " # v7.0.2", path.read_text()))


def new_line_length(template: TemplateRepo) -> None:
    """The setting the teams changed too: ruff's line length."""
    name = template_file(template, "line-length = 100")
    template.edit(name, "line-length = 100", "line-length = 110")


NEW_QUESTION = """
use_editorconfig:
  type: bool
  help: Add an .editorconfig
  default: true
"""


def new_question(template: TemplateRepo) -> None:
    template.write("copier.yml", template.read("copier.yml") + NEW_QUESTION)
    template.write(
        "template/{% if use_editorconfig %}.editorconfig{% endif %}",
        "root = true\n\n[*]\nend_of_line = lf\n",
    )


@dataclass(frozen=True)
class Release:
    version: str
    what: str
    change: Callable[[TemplateRepo], None]
    #: A setting a team changed too, and the file holding it: a conflict there belongs.
    same_setting: str | None = None


RELEASES = (
    Release("1.1.0", "tool version bumps (uv, ruff, pytest)", bump_tools),
    Release("1.2.0", "a new lint rule", new_lint_rule),
    Release("1.3.0", "a new dev tool (pytest-cov)", new_dev_tool),
    Release("1.4.0", "a Dockerfile improvement", dockerfile_improvement),
    Release("1.5.0", "action pin bumps", bump_action_pins),
    Release("1.6.0", "a new question (a new file)", new_question),
    Release("1.7.0", "ruff's line length, which teams set too", new_line_length, "pyproject.toml"),
)


def make_template(root: Path, ref: str, releases: tuple[Release, ...]) -> TemplateRepo:
    template = TemplateRepo(root / "template")
    template.put(snapshot(ref))
    template.commit(f"the template at {ref}", tag=FIRST)
    for release in releases:
        release.change(template)
        template.commit(release.what, tag=release.version)
    return template


# ---------------------------------------------------------------------------------------------
# The teams' edits.
LINE_LENGTH = re.compile(r"^line-length = \d+$", re.MULTILINE)
NEW_ROUTE = '\n\n@app.get("/invoices")\ndef invoices() -> list[str]:\n    return []\n'


def edit(path: Path, change: Callable[[str], str]) -> None:
    path.write_text(change(path.read_text()))


def team_edits(service: Path, package: str, web: bool) -> None:
    """A team's everyday edits: dependencies, its line length, the README, a route, the
    Dockerfile (a comment; its system packages where the Dockerfile has the lists)."""
    run(["uv", "add", "--no-sync", "rich"], cwd=service)
    run(["uv", "add", "--no-sync", "--dev", "pytest-asyncio"], cwd=service)
    ruff = next(
        name for name in ("ruff.toml", "pyproject.toml") if (service / name).is_file()
        and LINE_LENGTH.search((service / name).read_text())
    )  # fmt: skip
    edit(service / ruff, lambda t: LINE_LENGTH.sub("line-length = 120", t, count=1))
    edit(service / "README.md", lambda t: t + "\n## Team notes\n\nOn call: payments.\n")
    if web:
        edit(service / "src" / package / "app.py", lambda t: t + NEW_ROUTE)
    edit(
        service / "Dockerfile",
        lambda t: t.replace("\n", "\n# Payments team: scanned nightly by the security team.\n", 1),
    )
    lists = {"BUILD_PACKAGES": "gcc libc6-dev libpq-dev", "RUNTIME_PACKAGES": "libpq5"}
    edit(
        service / "Dockerfile",
        lambda t: LIST_ARG.sub(lambda m: f'ARG {m[1]}="{lists[m[1]]}"', t),
    )
    commit_all(service, "the team's own changes")


# ---------------------------------------------------------------------------------------------
# The year.
@dataclass
class Outcome:
    service: str
    release: Release
    conflicts: list[str]
    team_touched: set[str]
    release_touched: set[str]

    def needless(self) -> list[str]:
        """The conflicts outside the one file where the release and the team changed the same
        setting."""
        return [name for name in self.conflicts if name != self.release.same_setting]

    def untouched_by_team(self) -> list[str]:
        return [name for name in self.conflicts if name not in self.team_touched]


@dataclass
class Year:
    outcomes: list[Outcome] = field(default_factory=list)

    def conflicts(self) -> int:
        return sum(len(outcome.conflicts) for outcome in self.outcomes)


def rendered_difference(template: TemplateRepo, root: Path, answers: dict, old: str, new: str):
    """The files a release changes in a service with these answers (renders without tasks)."""
    renders = {}
    for ref in (old, new):
        dst = root / f"render-{ref}"
        copy_project(template.path, dst, vcs_ref=ref, data=answers, tasks=False)
        renders[ref] = {name: (dst / name).read_bytes() for name in project_files(dst)}
    names = set(renders[old]) | set(renders[new])
    return {
        name
        for name in names
        if name != ".copier-answers.yml" and renders[old].get(name) != renders[new].get(name)
    }


def keep_the_teams_side(service: Path, names: list[str]) -> None:
    for name in names:
        edit(service / name, lambda t: CONFLICT_BLOCK.sub(r"\1", t))
    run(["uv", "lock"], cwd=service, check=False)


def simulate(
    root: Path,
    *,
    ref: str = "HEAD",
    releases: tuple[Release, ...] = RELEASES,
    variants: tuple[str, ...] = ("defaults", "cli", "workspace"),
    log: Callable[[str], None] = lambda line: None,
) -> Year:
    """The whole year under `root`, for services of the named variants."""
    template = make_template(root, ref, releases)
    year = Year()
    for variant_id in variants:
        variant = VARIANTS_BY_ID[variant_id]
        service = render_release(template, root / variant_id, vcs_ref=FIRST, data=variant.answers)
        package = variant.answers.get("project_name", "my-service").replace("-", "_")
        team_edits(service, package, web=variant.answers.get("service_kind", "web") == "web")
        team_touched = set(git("diff", "--name-only", "HEAD~1", "HEAD", cwd=service).split())
        previous = FIRST
        for release in releases:
            update_project(service, vcs_ref=release.version)
            conflicts = sorted({*conflicted_files(service), *rej_files(service)})
            touched = rendered_difference(
                template, root / "renders" / variant_id, variant.answers, previous,
                release.version,
            )  # fmt: skip
            year.outcomes.append(Outcome(variant_id, release, conflicts, team_touched, touched))
            log(f"{variant_id} {release.version}: conflicts {conflicts or 'none'}")
            keep_the_teams_side(service, conflicts)
            commit_all(service, f"update to {release.version}", allow_empty=True)
            previous = release.version
    return year
