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


#: A Python identifier in ASCII, as web_app's validator allows it.
IDENTIFIER = "[A-Za-z_][A-Za-z0-9_]*"
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


def refused_pair(layout: str, base_os: str) -> dict[str, Any]:
    """Page keywords refusing one image_layout with one base_os (a choice's own validator)."""
    pair = {"image_layout": {"const": layout}, "base_os": {"const": base_os}}
    return {"not": {"required": ["image_layout", "base_os"], "properties": pair}}


#: The registry mirrors' messages for each part of a registry path: one pattern checks them all.
REGISTRY_PARTS = [
    Rule("Write the registry host and path in lowercase"),
    Rule("Give a registry host: a DNS name"),
    Rule("Give the registry's port as a number from 1 to 65535"),
    Rule("Give the path as lowercase words"),
]


def bare(pattern: str) -> str:
    """A copier.yml pattern without its anchors (`^` and Python's `\\Z`)."""
    return pattern.removeprefix("^").removesuffix("\\Z")


def rules(
    constants: dict[str, Any], refused_layouts: dict[tuple[str, str], str]
) -> dict[str, list[Rule]]:
    """question -> its rules. `constants` are copier.yml's computed values (e.g. reserved_names),
    `refused_layouts` the (image_layout, base_os) pairs base_os's choices refuse, with their
    messages (copier_questions.refused_layouts)."""
    host = f"{constants['host_name_pattern']}(:{constants['port_pattern']})?"
    registry = host + constants["registry_path_pattern"]
    image_path = constants["image_path_pattern"]
    mixed_case = image_path.replace("a-z", "A-Za-z")  # GitHub's names, lowercased for the image
    reserved = sorted(name.replace("_", "-") for name in constants["reserved_names"])
    core = [name.removesuffix("-core") for name in reserved if name.endswith("-core")]
    yes_or_no = [Rule("Answer yes or no")]  # a checkbox answers nothing else
    return {
        "project_name": [
            Rule("YAML read this answer as"),  # a data file's; the form's answers are text
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
        # One pattern for the host, its port and the path; the messages say which is wrong.
        "dockerhub_mirror": [
            Rule("without a scheme", {"pattern": whole(f"(?:{registry})?")}),
            *REGISTRY_PARTS,
        ],
        "ghcr_mirror": [
            Rule("without a scheme", {"pattern": whole(registry)}),
            *REGISTRY_PARTS,
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
            # Only while image_repository, derived from it, is not answered too; a page-level
            # `not`, as root-level if/then renders badly (backstage#30090).
            Rule(
                "is derived from this answer",
                page={
                    "not": {
                        "required": ["github_repository"],
                        "not": {"required": ["image_repository"]},
                        "properties": {"github_repository": {"not": {"pattern": mixed_case + END}}},
                    }
                },
            ),
        ],
        "image_repository": [
            Rule(
                "Give a registry host and a path",
                {"pattern": whole(host + image_path)},
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
            Rule(
                "Give the index's http(s) URL",
                {"pattern": whole(f"https?://{host}(/[A-Za-z0-9._~%+-]*)*")},
            ),
            Rule("without credentials"),
            Rule("Write the index's host in lowercase"),
            Rule("Give the index's host as a DNS name"),
            Rule("Give the index's port as a number from 1 to 65535"),
            Rule("without spaces, a query or a fragment"),
        ],
        "arm64_runner": [
            Rule("Give one runner label", {"pattern": whole("([A-Za-z0-9][A-Za-z0-9._-]{0,99})?")}),
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
                "system_packages",
                "use_workspace",
                "use_compose",
                "use_run_script",
                "use_pre_commit",
                "use_ci",
                "use_devcontainer",
                "use_catalog_info",
            )
        },
        # A service made from the form is a new repository: there is no project to adopt.
        "existing_project": [
            *yes_or_no,
            Rule("has no pyproject.toml", {"const": False}),
            Rule("has a requirements.txt and no pyproject.toml"),
            Rule("has no uv.lock"),
        ],
        "web_app": [
            Rule(
                "as module:attribute",
                {
                    "pattern": whole(
                        "[A-Za-z_][A-Za-z0-9_]*([.][A-Za-z_][A-Za-z0-9_]*)*:[A-Za-z_][A-Za-z0-9_]*"
                    )
                },
            ),
        ],
        "health_path": [
            Rule("Give a path starting with /", {"pattern": whole("(/[A-Za-z0-9._~/-]{0,200})?")})
        ],
        "console_script": [
            Rule(
                "the name of a console script",
                {"pattern": whole("[A-Za-z0-9]([A-Za-z0-9._-]{0,98}[A-Za-z0-9])?")},
            ),
        ],
        # Choices' own validators (e.g. bookworm with uv's derived image, none published since
        # uv 0.10.0): each refused pair is refused on the form's page too.
        "base_os": [
            Rule(message, page=refused_pair(layout, base_os))
            for (layout, base_os), message in refused_layouts.items()
        ],
    }
