"""What a rendered project's own CI checks, run over many rendered trees at once.

`render` renders one answer set in-process (Copier's Python API, tasks off) from a snapshot of
the template without its git history, so nothing is cloned per render. `ci_failures` runs ruff
(check and format, each tree with its own rendered config), hadolint and shellcheck once for all
the trees, and parses every TOML, YAML and JSON file, validates pyproject.toml as PEP 621
metadata and looks for Jinja left in the files; it returns each tree's failures.
"""

from __future__ import annotations

import email.utils
import json
import re
import shutil
import subprocess
import tomllib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import copier
import jinja2
import yaml
from validate_pyproject import api as validate_pyproject

from tests.support.releases import TEMPLATE_PARTS
from tests.support.variants import TEMPLATE_ROOT

# Jinja left in a rendered file; GitHub's ${{ }}, Go's {{.Field}} and {{json .Field}}, and
# docker/metadata-action's placeholders ({{version}}, {{major}}.{{minor}}: a bare lowercase
# word, which the answers' text removed below may have shortened) are legitimate.
LEFTOVER_JINJA = re.compile(r"\{%|%\}|\{#|#\}|(?<!\$)\{\{(?!\.|json \.|[a-z_]*\}\})")
# A file that only exists with a switch on, and the switch: no other file may mention it then.
SWITCHED_FILES = {
    "use_compose": "compose.yaml",
    "use_run_script": "run.sh",
    "use_pre_commit": ".pre-commit-config.yaml",
    "use_ci": ".github/",
    "use_devcontainer": ".devcontainer",
    "use_catalog_info": "catalog-info.yaml",
}
# .dockerignore lists paths to keep out of the image whether or not they exist yet.
MAY_NAME_ABSENT_FILES = {".dockerignore"}
FREE_TEXT = ("project_name", "description", "author_name", "author_email")
TOOL_TIMEOUT = 600


def template_snapshot(destination: Path) -> Path:
    """A copy of the template without .git: Copier renders a plain folder as it is."""
    destination.mkdir(parents=True, exist_ok=True)
    for part in TEMPLATE_PARTS:
        source = TEMPLATE_ROOT / part
        if source.is_dir():
            caches = shutil.ignore_patterns("__pycache__")
            shutil.copytree(source, destination / part, ignore=caches)
        else:
            shutil.copy2(source, destination / part)
    return destination


@contextmanager
def jinja_compiles_memoised() -> Iterator[None]:
    """Compile each template source once for many renders.

    Copier builds a new Jinja environment per render, with the same options each time, and
    compiling the same sources again is most of a render's time. The code Jinja compiles
    depends on the source and the environment's options only, which are part of the key.
    """
    original = jinja2.Environment.compile
    memo: dict[tuple, Any] = {}

    def compile_once(self, source, name=None, filename=None, raw=False, defer_init=False):
        if not isinstance(source, str):
            return original(self, source, name, filename, raw, defer_init)
        options = (type(self), tuple(self.extensions), self.keep_trailing_newline,
                   self.trim_blocks, self.lstrip_blocks, self.newline_sequence,
                   self.block_start_string, self.variable_start_string, self.optimized)  # fmt: skip
        key = (source, name, filename, raw, defer_init, options)
        if key not in memo:
            memo[key] = original(self, source, name, filename, raw, defer_init)
        return memo[key]

    jinja2.Environment.compile = compile_once
    try:
        yield
    finally:
        jinja2.Environment.compile = original


def render(template: Path, destination: Path, answers: dict[str, Any]) -> None:
    """Render like `copier copy --defaults --data ... --skip-tasks`; raises when refused."""
    copier.run_copy(
        str(template),
        destination,
        data=answers,
        defaults=True,
        skip_tasks=True,
        quiet=True,
        settings=copier.Settings(),
    )


def tool(name: str) -> str:
    path = shutil.which(name)
    assert path, f"{name} is installed with the test tools (uv sync)"
    return path


def run_tool(command: list[str]) -> tuple[int, str]:
    # From /, so the paths in the output are the trees' own (absolute, less the leading /).
    result = subprocess.run(
        command, cwd="/", capture_output=True, text=True, timeout=TOOL_TIMEOUT, check=False
    )
    return result.returncode, result.stdout + result.stderr


def by_tree(status: int, output: str, trees: list[Path], tool_name: str) -> dict[Path, list[str]]:
    """Assign each line of a tool's output to the tree it names; a failure that names no tree
    is every tree's, so a change in a tool's output format cannot hide a failure."""
    found: dict[Path, list[str]] = {}
    for line in output.splitlines():
        for tree in trees:
            if str(tree.relative_to("/")) + "/" in line:
                found.setdefault(tree, []).append(f"{tool_name}: {line}")
                break
    if status != 0 and not found:
        found = {tree: [f"{tool_name} exited {status}: {output.strip()}"] for tree in trees}
    return found


def lint_failures(trees: list[Path]) -> dict[Path, list[str]]:
    """ruff check, ruff format --check, hadolint, shellcheck: one call each for all trees."""
    if not trees:
        return {}
    names = [str(tree) for tree in trees]
    ruff = tool("ruff")
    outputs = [
        ("ruff check", run_tool([ruff, "check", "--no-cache", "--output-format=concise", *names])),
        ("ruff format", run_tool([ruff, "format", "--no-cache", "--check", *names])),
        ("hadolint", run_tool([tool("hadolint"), *(f"{n}/Dockerfile" for n in names)])),
    ]
    scripts = [str(tree / "run.sh") for tree in trees if (tree / "run.sh").is_file()]
    if scripts:
        shellcheck = [tool("shellcheck"), "--shell=sh", "--format=gcc", *scripts]
        outputs.append(("shellcheck", run_tool(shellcheck)))
    failures: dict[Path, list[str]] = {}
    for tool_name, (status, output) in outputs:
        for tree, lines in by_tree(status, output, trees, tool_name).items():
            failures.setdefault(tree, []).extend(lines)
    return failures


def files_of(tree: Path) -> list[Path]:
    return sorted(p for p in tree.rglob("*") if p.is_file() and ".git" not in p.parts)


def parse_failures(tree: Path) -> list[str]:
    failures = []
    for path in files_of(tree):
        name = path.name
        try:
            if name.endswith(".toml"):
                tomllib.loads(path.read_text())
            elif name.endswith(".json"):
                json.loads(path.read_text())
            elif name.endswith((".yml", ".yaml")):
                yaml.safe_load(path.read_text())
        except Exception as error:  # any parser's error is the finding
            failures.append(f"{path.relative_to(tree)} does not parse: {error}")
    return failures


@cache
def pep621_validator() -> validate_pyproject.Validator:
    return validate_pyproject.Validator()


def metadata_failures(tree: Path, answers: dict[str, Any]) -> list[str]:
    """pyproject.toml is valid PEP 621 metadata and carries the answers exactly, one author."""
    failures = []
    for pyproject_path in tree.rglob("pyproject.toml"):
        try:
            pyproject = tomllib.loads(pyproject_path.read_text())
            pep621_validator()(pyproject)
        except Exception as error:  # the validator's error is the finding
            failures.append(f"{pyproject_path.relative_to(tree)}: {error}")
            continue
        authors = pyproject["project"]["authors"]
        expected = [{"name": answers["author_name"], "email": answers["author_email"]}]
        if authors != expected:
            failures.append(f"{pyproject_path.relative_to(tree)}: authors {authors}")
        # Core metadata's Author-email is `name <email>`, unquoted (uv_build writes it so);
        # readers split it with getaddresses, which must give back this one author.
        header = f"{authors[0]['name']} <{authors[0]['email']}>"
        one = [(" ".join(answers["author_name"].split()), answers["author_email"])]
        if email.utils.getaddresses([header]) != one:
            failures.append(f"Author-email {header!r} does not read back as {one}")
    project = tomllib.loads((tree / "pyproject.toml").read_text())["project"]
    if project["name"] != answers["project_name"]:
        failures.append(f"pyproject.toml name {project['name']!r}")
    if project["description"] != answers["description"]:
        failures.append(f"pyproject.toml description {project['description']!r}")
    return failures


def text_failures(tree: Path, answers: dict[str, Any]) -> list[str]:
    """No Jinja left but the user's own text; no mention of a file a switch left out."""
    failures = []
    given = {str(v) for v in answers.values() if isinstance(v, str) and v}
    # As written, as the Dockerfile's labels escape it, and as docker-bake.hcl escapes HCL's
    # `${` and `%{`; the longest first, so a short answer cannot cut through a longer one.
    escaped = {text.replace("$", "\\$") for text in given} | {
        text.replace("${", "$${").replace("%{", "%%{") for text in given
    }
    user_text = sorted(given | escaped, key=len, reverse=True)
    answers_file = tree / ".copier-answers.yml"
    for path in files_of(tree):
        if path == answers_file:
            continue  # checked below: it holds the answers verbatim, as YAML
        content = path.read_text()
        for text in user_text:
            content = content.replace(text, "")
        if match := LEFTOVER_JINJA.search(content):
            failures.append(f"{path.relative_to(tree)}: Jinja left: {match.group(0)!r}")
        if path.name in MAY_NAME_ABSENT_FILES:
            continue
        for switch, named in SWITCHED_FILES.items():
            if not answers.get(switch) and named in content:
                failures.append(f"{path.relative_to(tree)} names {named}, which {switch} left out")
    # Copier records the questions it asked (a hidden one is not), exactly as answered.
    recorded = yaml.safe_load(answers_file.read_text())
    for question, value in answers.items():
        if question in FREE_TEXT and question not in recorded:
            failures.append(f".copier-answers.yml lacks {question}")
        if question in recorded and recorded[question] != value:
            failures.append(f".copier-answers.yml: {question}={recorded[question]!r}")
    return failures


def yaml_failures(tree: Path, answers: dict[str, Any]) -> list[str]:
    """Names in YAML stay strings: `yes`, `null` or `1e3` must not turn into other types."""
    catalog = tree / "catalog-info.yaml"
    if not catalog.is_file():
        return []
    entity = yaml.safe_load(catalog.read_text())
    failures = []
    if entity["metadata"]["name"] != answers["project_name"]:
        failures.append(f"catalog-info.yaml name {entity['metadata']['name']!r}")
    if entity["metadata"]["description"] != answers["description"]:
        failures.append(f"catalog-info.yaml description {entity['metadata']['description']!r}")
    if "catalog_owner" in answers and entity["spec"]["owner"] != answers["catalog_owner"]:
        failures.append(f"catalog-info.yaml owner {entity['spec']['owner']!r}")
    if not isinstance(entity["spec"]["owner"], str):
        failures.append(f"catalog-info.yaml owner {entity['spec']['owner']!r} is no string")
    return failures


def ci_failures(rendered: Iterable[tuple[Path, dict[str, Any]]]) -> dict[Path, list[str]]:
    """Every check of a rendered project's CI, for each (tree, answers); {} when all pass."""
    rendered = list(rendered)
    failures = lint_failures([tree for tree, _ in rendered])
    for tree, given in rendered:
        # The answers as Copier recorded them (defaults included), then as given.
        answers = yaml.safe_load((tree / ".copier-answers.yml").read_text()) | given
        found = [
            *parse_failures(tree),
            *metadata_failures(tree, answers),
            *text_failures(tree, answers),
            *yaml_failures(tree, answers),
        ]
        if found:
            failures.setdefault(tree, []).extend(found)
    return failures


def report(failures: dict[Path, list[str]]) -> str:
    """The failures, one per line under its tree, for an assertion message."""
    return "\n".join(f"{tree}:\n  " + "\n  ".join(lines) for tree, lines in failures.items())
