"""JSON-Schema rules for the Backstage form, one entry per Copier validator.

Copier's validators are Jinja and cannot be translated mechanically, so each one has a rule
here: JSON-Schema keywords for the question's field, and `says`, a phrase of the Copier message
the rule stands for (the form shows Copier's whole message, read from copier.yml, as help).
scripts/backstage_template.py fails when an asked free-text question or a validator has no
rule, or when a phrase is no longer in the validator's messages.

Patterns must mean the same in Python's `re` (Copier, Python `jsonschema`) and in ECMAScript
with the `u` flag (ajv in Backstage's form): tests/fast/test_backstage_form.py checks both.
So: search-style patterns without anchors where the validator tests "contains", explicit
character classes instead of `\\s` (the two dialects disagree on what is whitespace), and
`$(?!\\n)` as the end anchor (Python's `$` also matches before a final newline).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: What Python's str.isspace() and str.strip() treat as whitespace, as a character class body.
PY_SPACE = r"\t-\r\x1c- \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
END = r"$(?!\n)"


@dataclass(frozen=True)
class Rule:
    says: str  # a phrase of the Copier message this rule stands for
    schema: dict[str, Any] = field(default_factory=dict)  # keywords for the question's field
    page: dict[str, Any] = field(default_factory=dict)  # keywords for the whole page (cross-field)


def whole(body: str) -> str:
    """A pattern the whole value must match, the same in both dialects."""
    return f"^(?:{body}){END}"


def not_containing(chars: str) -> dict[str, Any]:
    return {"not": {"pattern": f"[{chars}]"}}


HOST = "[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]+)?"
#: A path in a repository: no `.` or `..` part (a part may start with one dot, as .github).
REPO_PATH = r"\.?[A-Za-z0-9_-][A-Za-z0-9._-]*(/\.?[A-Za-z0-9_-][A-Za-z0-9._-]*)*"
#: copier.yml's unprintable_pattern: control characters, whitespace but the plain space,
#: surrogates, U+FFFE and U+FFFF.
UNPRINTABLE = (
    r"\x00-\x1f\x7f-\x9f\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
    r"\ud800-\udfff\ufffe\uffff"
)
EMAIL_SPECIALS = r'"\\,;:@()\[\]<>'
#: Backstage's entity reference: kind, namespace (a DNS label) and name, at most 63 each.
ENTITY_REF = "((group|user):)?([a-z0-9]+(-[a-z0-9]+)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?"
ENTITY_REF_63 = (
    "((group|user):)?((?=[a-z0-9-]{1,63}/)[a-z0-9]+(-[a-z0-9]+)*/)?"
    "[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?"
)


def bare(pattern: str) -> str:
    """A copier.yml pattern without its anchors (`^` and Python's `\\Z`)."""
    return pattern.removeprefix("^").removesuffix("\\Z")


def rules(constants: dict[str, Any]) -> dict[str, list[Rule]]:
    """question -> its rules. `constants` are copier.yml's computed values (e.g. reserved_names)."""
    registry = bare(constants["registry_path_pattern"])
    reserved = sorted(name.replace("_", "-") for name in constants["reserved_names"])
    core = [name.removesuffix("-core") for name in reserved if name.endswith("-core")]
    yes_or_no = [Rule("Answer yes or no")]  # a checkbox answers nothing else
    return {
        "project_name": [
            Rule("Use lowercase letters", {"pattern": whole("[a-z][a-z0-9]*(-[a-z0-9]+)*")}),
            Rule("50 characters or fewer", {"maxLength": 50}),
            # One `not` for both (a field has one): the reserved names and those whose
            # workspace member <name>-core is one.
            Rule("clashes with the Python module", {"not": {"enum": sorted({*reserved, *core})}}),
            Rule("its workspace member"),
        ],
        "description": [
            Rule("Write a one-line description", {"pattern": f"[^{PY_SPACE}]"}),
            # One `not` for both (a field has one).
            Rule("Keep it on one line", not_containing(UNPRINTABLE + r'"\\')),
            Rule("without double quotes or backslashes"),
        ],
        "author_name": [
            Rule("Write one author or team name", {"pattern": f"[^{PY_SPACE}]"}),
            Rule("Keep it on one line", not_containing(UNPRINTABLE + EMAIL_SPECIALS)),
            Rule("the characters e-mail headers reserve"),
        ],
        "author_email": [
            Rule("Give one e-mail address", {"pattern": whole(bare(constants["email_pattern"]))}),
        ],
        "uv_image_digest": [
            Rule("64 lowercase hex digits", {"pattern": whole("(sha256:[0-9a-f]{64})?")}),
        ],
        "dockerhub_mirror": [
            Rule("without a scheme", {"pattern": whole(f"(?:{registry})?")}),
        ],
        "ghcr_mirror": [
            Rule("without a scheme", {"pattern": whole(registry)}),
        ],
        "catalog_owner": [
            Rule("Give an entity reference", {"pattern": whole(ENTITY_REF)}),
            Rule("63 characters each", {"allOf": [{"pattern": whole(ENTITY_REF_63)}]}),
        ],
        "github_repository": [
            Rule(
                "letters, digits and hyphens in the owner",
                {"pattern": whole("[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}")},
            ),
            Rule("Give owner/name as on GitHub", {"not": {"pattern": f"-/|/[.][.]?{END}"}}),
        ],
        "image_repository": [
            Rule(
                "Give a registry host and a path",
                {
                    "pattern": whole(
                        constants["image_repository_pattern"].strip().strip("^").removesuffix("\\Z")
                    )
                },
            ),
            Rule(
                "Start with the registry host",
                {"allOf": [{"pattern": "^(?:[^/]*[.:]|localhost/)"}]},
            ),
            Rule("under 256 characters", {"maxLength": 255}),
        ],
        "package_index_name": [
            Rule("Name the index", {"pattern": whole("([a-z][a-z0-9-]{0,31})?")}),
        ],
        "package_index_url": [
            Rule("Give the index's", {"pattern": whole(f"https?://{HOST}(/[A-Za-z0-9._~%+-]*)*")}),
        ],
        "organisation_defaults": [
            Rule(
                "Give the data file's",
                {"pattern": whole(f"(https?://{HOST}(/[A-Za-z0-9._~%+-]*)*|{REPO_PATH})?")},
            ),
        ],
        **{
            name: yes_or_no
            for name in (
                "ca_certificate_secret",
                "use_workspace",
                "use_compose",
                "use_run_script",
                "use_pre_commit",
                "use_ci",
                "use_devcontainer",
                "use_catalog_info",
            )
        },
        # A choice's own validator: alpine is refused with the standalone layout.
        "base_os": [
            Rule(
                "pick trixie or bookworm",
                page={
                    "not": {
                        "required": ["image_layout", "base_os"],
                        "properties": {
                            "image_layout": {"const": "standalone"},
                            "base_os": {"const": "alpine"},
                        },
                    }
                },
            ),
        ],
    }
