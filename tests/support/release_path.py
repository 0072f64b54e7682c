"""The path service owners take between two real releases: render the older one, edit the
service the ways owners do, follow the README's update instructions as written, resolve.

The releases are the commits RELEASES.toml records (the `history` fixture tags them in a
temporary template repository). Where each owner edit goes is derived from the two releases'
renders of the same answers, so the scenario stays meaningful as the template moves on:
`stable_anchor` finds a line both releases keep with unchanged neighbours (an edit after it
must merge cleanly) and `changed_line` a line the newer release rewrites (an owner edit of it
must come back as a reported conflict).
"""

from __future__ import annotations

import difflib
import os
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pexpect

from tests.support.commands import git, run
from tests.support.copier_cli import COPIER
from tests.support.readme_example import FENCE, section
from tests.support.releases import TemplateRepo, commit_all, edit_file, render_release
from tests.support.variants import Variant

#: Lines of unchanged context an edit needs on each side to merge without a conflict.
CONTEXT = 3
CONFLICT_BLOCK = re.compile(
    r"^<<<<<<< before updating\n(?P<ours>.*?)^=======\n(?P<theirs>.*?)^>>>>>>> after updating\n",
    re.MULTILINE | re.DOTALL,
)
NEW_DEPENDENCY = "six"
#: How Copier (questionary) starts every question.
PROMPT = "\U0001f3a4"
TEAM_NOTE = "Team notes: the payments team owns this service."


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def stable_anchor(old: str, new: str, *, ok: Any = lambda line: True) -> str:
    """A line of `old`, unique in both texts, inside a run both keep with CONTEXT lines of
    unchanged neighbours on each side (an edit right after it merges cleanly)."""
    a, b = _lines(old), _lines(new)
    for tag, i1, i2, _, _ in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag != "equal":
            continue
        for i in range(i1 + CONTEXT, i2 - CONTEXT):
            line = a[i]
            if line.strip() and a.count(line) == 1 and b.count(line) == 1 and ok(line):
                return line
    raise AssertionError("the two releases share no stable region to edit in")


def changed_line(old: str, new: str, *, ok: Any = lambda line: True) -> str:
    """A line of `old`, unique there, that the newer release rewrites."""
    a, b = _lines(old), _lines(new)
    for tag, i1, i2, _, _ in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "replace":
            for line in a[i1:i2]:
                if line.strip() and a.count(line) == 1 and ok(line):
                    return line
    raise AssertionError("the newer release rewrites no line of this file")


def insert_after(path: Path, anchor: str, text: str) -> None:
    edit_file(path, lambda old: old.replace(anchor, anchor + text, 1))


@dataclass
class OwnedService:
    """A service rendered from the older release and changed by its owner."""

    path: Path
    variant: Variant
    kept: dict[str, str] = field(default_factory=dict)  # file -> a text the owner added
    conflicting: dict[str, str] = field(default_factory=dict)  # file -> the owner's line

    @property
    def package(self) -> str:
        return self.variant.answer("project_name").replace("-", "_")


def readme_update_commands(project: Path) -> list[str]:
    """The copier commands of the service's own README ("Keeping up with the template"), as
    the release the service was made from wrote them, without their trailing comments."""
    text = section((project / "README.md").read_text(), "Keeping up with the template")
    blocks = [body for lang, body in FENCE.findall(text) if "copier " in body]
    assert blocks, "the service README says nothing about `copier update`"
    return [line.split("  #")[0].strip() for line in blocks[0].splitlines() if line.strip()]


def run_in_terminal(project: Path, command: str, *, timeout: float = 600) -> tuple[int, str]:
    """`command` as the owner types it in a terminal (`uvx copier` is the test tools' Copier,
    the version the template requires, so nothing is downloaded): every question is answered
    with Enter, which keeps the recorded answer or takes a new question's default."""
    argv = shlex.split(command)
    if argv[:2] == ["uvx", "copier"]:
        argv = [COPIER, *argv[2:]]
    child = pexpect.spawn(
        argv[0], argv[1:], cwd=str(project), encoding="utf-8", timeout=timeout,
        dimensions=(40, 200), env={**os.environ, "TERM": "xterm"},
    )  # fmt: skip
    output = []
    while child.expect([PROMPT, pexpect.EOF]) == 0:
        output.append(child.before + child.after)
        child.send("\r")
    output.append(child.before)
    child.close()
    return child.exitstatus, "".join(output)


def follow_readme_update(project: Path) -> tuple[str, str]:
    """Check for a newer release, then bring it in, with the README's own two commands; the
    output of each (the update must exit 0; check-update says 0 or 2, as the README says)."""
    commands = readme_update_commands(project)
    check = next(c for c in commands if "check-update" in c)
    update = next(c for c in commands if "update --trust" in c and " -d " not in c)
    checked, said = run_in_terminal(project, check)
    assert checked in {0, 2}, said[-3000:]
    updated, merged = run_in_terminal(project, update)
    assert updated == 0, merged[-3000:]
    return said, merged


def own_service(
    history: TemplateRepo, tmp_path: Path, variant: Variant, old: str, new: str
) -> OwnedService:
    """Render `variant` at release `old` and make the owner's everyday edits, placed from the
    difference between the `old` and `new` renders, committed."""
    plain = {}
    for version in (old, new):
        dst = tmp_path / f"plain-{version}"
        render_release(history, dst, vcs_ref=version, data=variant.answers)
        plain[version] = dst
    service = OwnedService(
        render_release(history, tmp_path / "service", vcs_ref=old, data=variant.answers), variant
    )

    def both(name: str) -> tuple[str, str]:
        return (plain[old] / name).read_text(), (plain[new] / name).read_text()

    # A Dockerfile line the owner rewrites where the template did not, and one it also rewrote.
    docker_old, docker_new = both("Dockerfile")
    # A comment line of the owner's before an instruction the template kept (never inside a
    # continued RUN: the line before it does not end in a backslash).
    lines = _lines(docker_old)

    def starts_an_instruction(line: str) -> bool:
        before = lines[lines.index(line) - 1]
        return bool(re.match(r"[A-Z]+ ", line)) and not before.rstrip().endswith("\\")

    try:
        kept = stable_anchor(docker_old, docker_new, ok=starts_an_instruction)
        ours = "# payments team: keep this stage as it is\n"
        edit_file(service.path / "Dockerfile", lambda text: text.replace(kept, ours + kept, 1))
        service.kept["Dockerfile"] = ours + kept
    except AssertionError:  # a rewritten Dockerfile (issue 20): the owner's line at the end
        ours = 'LABEL com.example.team="payments"\n'
        edit_file(service.path / "Dockerfile", lambda text: text + ours)
        service.kept["Dockerfile"] = ours
    # A comment if the template rewrote one, else any line (the resolution takes the template's).
    try:
        clash = changed_line(docker_old, docker_new, ok=lambda line: line.startswith("# "))
    except AssertionError:
        clash = changed_line(docker_old, docker_new)
    mine = clash.rstrip("\n") + " -- reviewed by payments\n"
    edit_file(service.path / "Dockerfile", lambda text: text.replace(clash, mine, 1))
    service.conflicting["Dockerfile"] = mine
    # A README section and a workflow tweak, where the template left the text alone.
    note = f"\n{TEAM_NOTE}\n"
    readme_old, readme_new = both("README.md")
    insert_after(service.path / "README.md", stable_anchor(readme_old, readme_new), note)
    service.kept["README.md"] = note
    workflow = ".github/workflows/ci.yml"
    if (plain[old] / workflow).is_file():
        tweak = "# payments: page the on-call engineer when this fails\n"
        ci_old, ci_new = both(workflow)
        anchor = stable_anchor(ci_old, ci_new, ok=lambda line: not line.startswith(" "))
        insert_after(service.path / workflow, anchor, tweak)
        service.kept[workflow] = tweak
    # Application code: an endpoint (web) or a module the CLI imports (cli).
    source = service.path / "src" / service.package
    billing = '"""Billing rules of the payments team."""\n\nRATE = 3\n'
    (source / "billing.py").write_text(billing)
    service.kept[f"src/{service.package}/billing.py"] = billing
    if variant.answer("service_kind") == "web":
        endpoint = '\n\n@app.get("/invoices")\ndef invoices() -> list[str]:\n    return []\n'
        edit_file(source / "app.py", lambda text: text + endpoint)
        service.kept[f"src/{service.package}/app.py"] = endpoint
    # A dependency of the owner's, locked with uv as the README says.
    run(["uv", "add", "--no-sync", NEW_DEPENDENCY], cwd=service.path, timeout=300)
    commit_all(service.path, "our own changes")
    return service


def take_the_templates_side(path: Path) -> None:
    """Resolve every inline conflict block of `path` with the newer release's lines."""
    edit_file(path, lambda text: CONFLICT_BLOCK.sub(lambda m: m["theirs"], text))


def unmerged(project: Path) -> list[str]:
    return sorted(git("diff", "--name-only", "--diff-filter=U", cwd=project).split())
