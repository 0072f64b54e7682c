"""Write catalog-info.yaml: the Backstage Template (scaffolder.backstage.io/v1beta3) that lists
this template in an organisation's catalog, generated from copier.yml.

    uv run python scripts/backstage_template.py                # write catalog-info.yaml
    uv run python scripts/backstage_template.py --check        # exit 1 if it is stale
    uv run python scripts/backstage_template.py --data-file organisation-defaults.yml \\
        --owner group:platform --repo-url 'github.com?owner=acme&repo=copier-uv-docker'

One form page per section of copier.yml, one field per asked question (computed values are
left out): title and description from `help`, enum and labels from `choices`, static defaults
(a --data-file's values win), `when:` as JSON-Schema `dependencies` with `oneOf` branches, and
the rules of scripts/form_rules.py for the validators. The steps dispatch
.github/workflows/copier-copy.yml, which runs `copier copy` from the template's git URL at the
chosen release and pushes the new repository, then register its catalog-info.yaml.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from pathlib import Path
from typing import Any

import jinja2
import jinja2.meta
import yaml

# The shared reading of copier.yml sits beside this script, also when a test loads it by path.
sys.path.insert(0, str(Path(__file__).resolve().parent))
import copier_questions
import form_rules

ROOT = copier_questions.ROOT
OUTPUT = ROOT / "catalog-info.yaml"
WORKFLOW = "copier-copy.yml"
RELEASE_ANNOTATION = "copier-uv-docker/release"
DESCRIPTION = (
    "A production-grade Python service managed by uv and shipped as a Docker image, "
    "kept current with copier update."
)
TYPES = {"str": "string", "bool": "boolean", "int": "integer", "float": "number"}
_JINJA = jinja2.Environment(undefined=jinja2.StrictUndefined)


class Untranslatable(Exception):
    """The form cannot express something in copier.yml; the message says what to add."""


def newest_release() -> str:
    from packaging.version import Version

    releases = tomllib.loads((ROOT / "RELEASES.toml").read_text())["releases"]
    return str(max(releases, key=Version))


def title(name: str) -> str:
    return name.replace("_", " ").capitalize()


def help_text(spec: dict[str, Any], rules: list[form_rules.Rule], name: str) -> str | None:
    """Copier's own messages for the rules, read from copier.yml."""
    choices = copier_questions.choices(spec)
    validators = [spec.get("validator") or ""] + [c.validator or "" for c in choices]
    said = [m for v in validators if v for m in copier_questions.messages(v)]
    found = []
    for rule in rules:
        matches = [m for m in said if rule.says in m]
        if not matches:
            raise Untranslatable(f"{name}: no Copier message of its validators says {rule.says!r}")
        # "{{ project_name }}" in a message names the value typed; the form says "This value".
        found.append(_JINJA.from_string(matches[0]).render({name: "This value"}))
    return " ".join(dict.fromkeys(found)) or None


def field(
    name: str, spec: dict[str, Any], rules: list[form_rules.Rule], default: Any
) -> dict[str, Any]:
    kind = spec.get("type", "str")
    if kind not in TYPES:
        raise Untranslatable(f"{name}: type {kind} has no form field")
    prop: dict[str, Any] = {"title": title(name), "type": TYPES[kind]}
    if spec.get("help"):
        prop["description"] = " ".join(str(spec["help"]).split())
    listed = copier_questions.choices(spec)
    if listed:
        prop["enum"] = [c.value for c in listed]
        prop["enumNames"] = [c.label for c in listed]
    for rule in rules:
        if clash := prop.keys() & rule.schema.keys():
            raise Untranslatable(
                f"{name}: two rules set {sorted(clash)} (use allOf for the second)"
            )
        prop.update(rule.schema)
    if default is not None and not copier_questions.is_templated(default):
        prop["default"] = default
    if message := help_text(spec, rules, name):
        prop["ui:help"] = message
    return prop


class Page:
    """One section of copier.yml as a form page; `when:` conditions become `dependencies`."""

    def __init__(self, asked: dict[str, dict[str, Any]], fields: dict[str, dict[str, Any]]):
        self.asked, self.fields = asked, fields
        self.conditional = {n: s for n, s in asked.items() if "when" in s}
        self.refs = {n: self._references(n, s["when"]) for n, s in self.conditional.items()}

    def _references(self, name: str, when: Any) -> set[str]:
        if isinstance(when, bool):
            return set()
        refs = self.refs_of(str(when))
        for ref in refs:
            if ref not in self.asked:
                raise Untranslatable(
                    f"{name}: `when` reads {ref}, which is not a question on the same page; "
                    "the form cannot show or hide it"
                )
        return refs

    def domain(self, name: str) -> list[tuple[Any, dict[str, Any]]]:
        """(a value, the schema of the values that decide `when` alike) for each branch."""
        spec = self.asked[name]
        if listed := copier_questions.choices(spec):
            return [(c.value, {"enum": [c.value]}) for c in listed]
        if spec.get("type") == "bool":
            return [(True, {"enum": [True]}), (False, {"enum": [False]})]
        # Free text: a `when` may only ask whether it is empty.
        for when in (s["when"] for s in self.conditional.values() if name in self._refs(s)):
            sample = [self._render(when, {name: text}) for text in ("x", "other-value-9")]
            if sample[0] != sample[1]:
                raise Untranslatable(f"`{when}` reads {name} beyond empty or not")
        return [("", {"enum": [""]}), ("x", {"minLength": 1})]

    def _refs(self, spec: dict[str, Any]) -> set[str]:
        when = spec["when"]
        return set() if isinstance(when, bool) else self.refs_of(str(when))

    @staticmethod
    def refs_of(when: str) -> set[str]:
        return jinja2.meta.find_undeclared_variables(_JINJA.parse(when))

    @staticmethod
    def _render(when: str, values: dict[str, Any]) -> bool:
        rendered = _JINJA.from_string(when).render(values).strip()
        return rendered not in ("", "False", "false", "0", "None")

    def visible(self, name: str, known: dict[str, Any]) -> bool | None:
        """Whether `name` is asked given the answers in `known`; None while undecided."""
        when = self.conditional[name]["when"]
        if isinstance(when, bool):
            return when
        values = {}
        for ref in self.refs[name]:
            if ref in known:
                values[ref] = known[ref]
            elif ref in self.conditional and self.visible(ref, known) is False:
                values[ref] = self.asked[ref].get("default")  # Copier keeps a hidden default
            else:
                return None
        return self._render(str(when), values)

    def schema(self, page_title: str) -> dict[str, Any]:
        unconditional = [n for n in self.asked if n not in self.conditional]
        props, deps = self._decide({}, set(unconditional))
        page: dict[str, Any] = {
            "title": page_title,
            # An optional free-text answer (empty default) may be left out, and so may one whose
            # default Copier computes from other answers (the form cannot show it).
            "required": [
                n
                for n in unconditional
                if self.asked[n].get("default") != ""
                and not copier_questions.is_templated(self.asked[n].get("default"))
            ],
            "properties": {n: self.fields[n] for n in unconditional} | props,
        }
        if deps:
            page["dependencies"] = deps
        return page

    def _decide(self, known: dict[str, Any], shown: set[str]) -> tuple[dict, dict]:
        pending = [n for n in self.conditional if n not in shown]
        newly = [n for n in pending if self.visible(n, known) is True]
        undecided = [n for n in pending if self.visible(n, known) is None]
        shown = shown | set(newly)
        props = {n: self.fields[n] for n in newly}
        if not undecided:
            return props, {}
        wanted = set().union(*(self.refs[n] for n in undecided))
        candidates = (n for n in self.asked if n in wanted and n in shown and n not in known)
        controller = next(candidates, None)
        if controller is None:
            raise Untranslatable(f"{undecided}: their `when` cannot be decided from the page")
        branches = []
        for value, schema in self.domain(controller):
            sub_props, sub_deps = self._decide(known | {controller: value}, shown)
            branch: dict[str, Any] = {"properties": {controller: schema} | sub_props}
            if sub_deps:
                branch["dependencies"] = sub_deps
            branches.append(branch)
        return props, {controller: {"oneOf": branches}}


def parameters(config: dict[str, Any], defaults: dict[str, Any]) -> list[dict[str, Any]]:
    asked = copier_questions.questions(config)
    table = form_rules.rules(
        copier_questions.constants(config), copier_questions.refused_layouts(config)
    )
    for name in table:
        if name not in asked:
            raise Untranslatable(f"form_rules has a rule for {name}, which copier.yml does not ask")
    for name, spec in asked.items():
        free_text = spec.get("type", "str") == "str" and not spec.get("choices")
        listed = copier_questions.choices(spec)
        has_validator = bool(spec.get("validator")) or any(c.validator for c in listed)
        if (free_text or has_validator) and not table.get(name):
            raise Untranslatable(f"{name} has no rule in scripts/form_rules.py; add one")
    fields = {
        n: field(n, s, table.get(n, []), defaults.get(n, s.get("default")))
        for n, s in asked.items()
    }
    sections = copier_questions.sections()
    pages: dict[str, dict[str, dict[str, Any]]] = {}
    for name, spec in asked.items():
        pages.setdefault(sections.get(name, ""), {})[name] = spec
    found = []
    for section, page_questions in pages.items():
        page = Page(page_questions, fields).schema(section.capitalize() or "Questions")
        for name in page_questions:
            for rule in table.get(name, []):
                for key, value in rule.page.items():
                    if key == "not" and "not" in page:
                        # Refused combinations add up as one `not` of `anyOf` (a root-level
                        # allOf renders badly, backstage#30090).
                        first = page["not"]
                        page["not"] = {"anyOf": [*first.get("anyOf", [first]), value]}
                    elif key in page:
                        raise Untranslatable(f"{name}: two page rules set {key}")
                    else:
                        page[key] = value
        found.append(page)
    return found


def entity(
    config: dict[str, Any], defaults: dict[str, Any], owner: str, repo_url: str, workflow_ref: str
) -> dict[str, Any]:
    release = newest_release()
    asked = list(copier_questions.questions(config))
    answers = ", ".join(f'"{n}": parameters.{n}' for n in asked)
    repo = "(parameters.repoUrl | parseRepoUrl)"
    new_repo = f"https://${{{{ {repo}.host }}}}/${{{{ {repo}.owner }}}}/${{{{ {repo}.repo }}}}"
    return {
        "apiVersion": "scaffolder.backstage.io/v1beta3",
        "kind": "Template",
        "metadata": {
            "name": "copier-uv-docker",
            "title": "Python service (uv, Docker)",
            "description": DESCRIPTION,
            "tags": ["python", "uv", "docker", "copier"],
            "annotations": {RELEASE_ANNOTATION: release},
        },
        "spec": {
            "owner": owner,
            "type": "service",
            "parameters": [
                *parameters(config, defaults),
                {
                    "title": "Repository",
                    "required": ["repoUrl", "release"],
                    "properties": {
                        "repoUrl": {
                            "title": "New repository",
                            "type": "string",
                            "ui:field": "RepoUrlPicker",
                            "ui:options": {"allowedHosts": ["github.com"]},
                        },
                        "release": {
                            "title": "Template release",
                            "description": RELEASE_HELP,
                            "type": "string",
                            "default": release,
                            "enum": [release],
                        },
                    },
                },
            ],
            "steps": [
                {
                    "id": "copy",
                    "name": "Create the repository with copier copy",
                    "action": "github:actions:dispatch",
                    "input": {
                        "repoUrl": repo_url,
                        "workflowId": WORKFLOW,
                        "branchOrTagName": workflow_ref,
                        "workflowInputs": {
                            "repository": f"${{{{ {repo}.owner }}}}/${{{{ {repo}.repo }}}}",
                            "release": "${{ parameters.release }}",
                            "answers": f"${{{{ {{{answers}}} | dump }}}}",
                        },
                    },
                },
                {
                    "id": "register",
                    "name": "Register the service's catalog-info.yaml",
                    "if": "${{ parameters.use_catalog_info }}",
                    "action": "catalog:register",
                    "input": {
                        "catalogInfoUrl": f"{new_repo}/blob/main/catalog-info.yaml",
                        "optional": True,  # the workflow pushes asynchronously
                    },
                },
            ],
            "output": {
                "links": [
                    {
                        "title": "Repository",
                        "url": new_repo,
                    }
                ]
            },
        },
    }


class _Dumper(yaml.SafeDumper):
    """Writes a field shown in several branches out in full each time (no YAML aliases)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


RELEASE_HELP = "The template release to copy; services move to newer ones with copier update."
REPO_URL = "github.com?owner=ORG&repo=copier-uv-docker"
HEADER = "# Generated by scripts/backstage_template.py from copier.yml; do not edit by hand.\n"


def render(
    data_file: Path | None = None,
    owner: str = "group:platform-team",
    repo_url: str = REPO_URL,
    workflow_ref: str = "main",
) -> str:
    defaults = yaml.safe_load(data_file.read_text()) if data_file else {}
    body = entity(copier_questions.load(), defaults or {}, owner, repo_url, workflow_ref)
    return HEADER + yaml.dump(body, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-file", type=Path, help="organisation defaults: the form's defaults")
    parser.add_argument("--owner", default="group:platform-team", help="the Template's owner")
    parser.add_argument("--repo-url", default=REPO_URL, help="this repository, as a repoUrl")
    parser.add_argument("--workflow-ref", default="main", help="branch holding the workflow")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--check", action="store_true", help="exit 1 if --output is stale")
    args = parser.parse_args(argv)
    try:
        text = render(args.data_file, args.owner, args.repo_url, args.workflow_ref)
    except Untranslatable as problem:
        print(f"backstage_template: {problem}", file=sys.stderr)
        return 2
    if args.check:
        if not args.output.is_file() or args.output.read_text() != text:
            print(f"{args.output} is stale: run scripts/backstage_template.py", file=sys.stderr)
            return 1
        return 0
    args.output.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
