"""The answer space as Hypothesis strategies: answer sets the questions accept, and answers just
outside each free-text validator.

The rules drawn here are the ones README.md's "Questions" section states; choices, switches,
reserved names and limits are read from copier.yml, never retyped.
"""

from __future__ import annotations

import string
from functools import cache
from typing import Any

from hypothesis import strategies as st

from scripts.copier_questions import refused_layouts
from tests.support.variants import copier_config, copier_questions

NAME_MAX = 50  # README: project_name is 1-50 characters
BACKSTAGE_MAX = 63  # Backstage: a name or a namespace is 1-63 characters

# Text users write that has broken templates: quotes, shell and Docker syntax, YAML and Markdown
# markers, Jinja that must stay text, look-alike and wide characters.
AWKWARD_WORDS = [
    "O'Brien", "it's", "`code`", "$HOME", "${PATH}", "$(id)", "{{ x }}", "{% raw %}",
    "{#", "#}", "%}", "# not a comment", "a: b", "- item", "*", "&anchor", "!tag", "|", ">",
    "<b>", "@team", "100%", "C:/path", "Ünïcødé", "Сервис", "服务", "\u2013", "\u2019", "\u2139",
    "\uff46\uff55\uff4c\uff4c", "😀", "\u200b", "\u00ad", "\ufeff", "null", "yes", "1e3", "~",
    "'''", ";", "&&",
]  # fmt: skip

# Printable characters only: no control (Cc), surrogate (Cs), line or paragraph separator (Zl,
# Zp) or other space (Zs; the plain space is added back by the words strategy).
PRINTABLE = st.characters(
    exclude_categories=("Cc", "Cs", "Zl", "Zp", "Zs"),
    exclude_characters="\ufffe\uffff",
)


def choice_values(question: str) -> list[Any]:
    choices = copier_questions()[question]["choices"]
    listed = choices.values() if isinstance(choices, dict) else choices
    return [item["value"] if isinstance(item, dict) else item for item in listed]


@cache
def reserved_names() -> frozenset[str]:
    listed = copier_config()["reserved_names"]["default"]
    return frozenset(listed.strip(" []\n").replace("\n", " ").split(", "))


def name_is_free(name: str) -> bool:
    module = name.replace("-", "_")
    return module not in reserved_names() and f"{module}_core" not in reserved_names()


@st.composite
def project_names(draw, min_size: int = 1, max_size: int = NAME_MAX) -> str:
    """lowercase letters and digits in words joined by single hyphens, starting with a letter."""
    size = draw(st.integers(min_size, max_size))
    chars = [draw(st.sampled_from(string.ascii_lowercase))]
    while len(chars) < size:
        # A hyphen only between two letters or digits.
        can_hyphen = chars[-1] != "-" and len(chars) < size - 1
        pool = string.ascii_lowercase + string.digits + ("-" if can_hyphen else "")
        chars.append(draw(st.sampled_from(pool)))
    name = "".join(chars)
    return draw(st.just(name).filter(name_is_free))


# Where names and hosts have broken projects (issue 22): the words tools and ignore files use,
# YAML's other scalars, and the bounds of ports and addresses.
NEIGHBOUR_WORDS = [
    "build", "dist", "htmlcov", "venv", "env", "bin", "lib", "src", "packages", "scripts",
    "id-rsa", "id-ed25519", "secrets", "key", "pem", "netrc", "pypirc", "npmrc", "coverage",
    "null", "yes", "no", "on", "off", "true", "false", "y", "n", "nan", "inf", "e", "x",
    "python", "python3", "pythonw", "pip", "uv", "uvx", "activate", "deactivate", "pydoc",
    "test", "tests", "conftest", "main", "app", "profiling", "docker", "compose", "git",
]  # fmt: skip


def near_reserved_names() -> st.SearchStrategy[str]:
    """Accepted names next to the reserved ones and the ignore files' patterns: a word alone,
    with a suffix, or two joined, as project_name allows them."""
    word = st.sampled_from(NEIGHBOUR_WORDS)
    joined = st.one_of(
        word,
        st.builds("{}-{}".format, word, st.sampled_from(["rotator", "core", "1", "api", "x"])),
        st.builds("{}-{}".format, word, word),
    )
    return joined.filter(lambda name: len(name) <= NAME_MAX and name_is_free(name))


def free_text(forbidden: str, max_size: int = 200) -> st.SearchStrategy[str]:
    """One line of printable text with plain spaces, without the `forbidden` characters."""
    word = st.one_of(
        st.text(PRINTABLE.filter(lambda c: c not in forbidden), min_size=1, max_size=30),
        st.sampled_from([w for w in AWKWARD_WORDS if not set(w) & set(forbidden)]),
    )
    words = st.lists(word, min_size=1, max_size=25).map(" ".join)
    spaced = st.tuples(st.sampled_from(["", " ", "  "]), words, st.sampled_from(["", " "]))
    return spaced.map("".join).filter(lambda text: text.strip() and len(text) <= max_size)


descriptions = free_text('"\\', max_size=300)
# The characters e-mail headers reserve: core metadata writes `Author-email: name <email>`.
EMAIL_SPECIALS = '"\\,;:@()[]<>'
author_names = free_text(EMAIL_SPECIALS, max_size=80)

ATEXT = string.ascii_letters + string.digits + "!#%&'*+/=?^_`{|}~-"
DOMAIN_LABEL = st.from_regex(r"[A-Za-z0-9]([A-Za-z0-9-]{0,10}[A-Za-z0-9])?", fullmatch=True)
emails = st.builds(
    lambda local, domain, tld: f"{'.'.join(local)}@{'.'.join(domain)}.{tld}",
    st.lists(st.text(ATEXT, min_size=1, max_size=8), min_size=1, max_size=3),
    st.lists(DOMAIN_LABEL, min_size=1, max_size=3),
    st.text(string.ascii_letters, min_size=2, max_size=6),
)

HOST_LABEL = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?", fullmatch=True)
PATH_PART = st.from_regex(r"[a-z0-9]+(([.]|_|__|-+)[a-z0-9]+){0,2}", fullmatch=True)
# A DNS name's last label starts with a letter (a numeric one would be read as an IPv4 address).
TOP_LABEL = st.from_regex(r"[a-z]([a-z0-9-]{0,8}[a-z0-9])?", fullmatch=True)
OCTET = st.integers(0, 255).map(str)
hosts = st.one_of(
    st.builds(
        lambda labels, top: ".".join([*labels, top]), st.lists(HOST_LABEL, max_size=2), TOP_LABEL
    ),
    st.builds(lambda octets: ".".join(octets), st.lists(OCTET, min_size=4, max_size=4)),
    st.sampled_from(["localhost", "255.255.255.255", "0.0.0.0", "a.b"]),
)
# Ports at the bounds and between.
ports = st.one_of(
    st.just(""), st.sampled_from([":1", ":443", ":5000", ":65535"]),
    st.integers(1, 65535).map(":{}".format),
)  # fmt: skip
registry_paths = st.builds(
    lambda host, port, parts: host + port + "".join(f"/{p}" for p in parts),
    hosts,
    ports,
    st.lists(PATH_PART, max_size=3),
)
HEX64 = st.text("0123456789abcdef", min_size=64, max_size=64)
digests = st.one_of(st.just(""), HEX64.map("sha256:{}".format))

BACKSTAGE_NAME = st.from_regex(r"[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?", fullmatch=True)
DNS_LABEL = st.from_regex(r"[a-z0-9]{1,20}(-[a-z0-9]{1,20}){0,2}", fullmatch=True)
catalog_owners = st.builds(
    lambda kind, namespace, name: kind + (f"{namespace}/" if namespace else "") + name,
    st.sampled_from(["", "group:", "user:"]),
    st.one_of(st.none(), DNS_LABEL),
    BACKSTAGE_NAME,
)


INDEX_NAME = st.from_regex(r"[a-z][a-z0-9-]{0,31}", fullmatch=True)
index_urls = st.builds(
    lambda scheme, host, port, path: f"{scheme}://{host}{port}{path}",
    st.sampled_from(["http", "https"]),
    hosts,
    ports,
    st.sampled_from(["", "/", "/simple/", "/api/pypi/internal/simple", "/a_b/~c%20/"]),
)


@st.composite
def accepted_answers(draw) -> dict[str, Any]:
    """A whole answer set the questions accept: every free text, choice and switch drawn."""
    questions = copier_questions()
    answers: dict[str, Any] = {
        "project_name": draw(st.one_of(project_names(), near_reserved_names())),
        "description": draw(descriptions),
        "author_name": draw(author_names),
        "author_email": draw(emails),
        "uv_image_digest": draw(digests),
        "dockerhub_mirror": draw(st.one_of(st.just(""), registry_paths)),
        "ghcr_mirror": draw(registry_paths),
    }
    for name, spec in questions.items():
        if name in answers or name in {"catalog_owner", "package_index_url"}:
            continue
        if spec["type"] == "bool":
            answers[name] = draw(st.booleans())
        elif "choices" in spec:
            answers[name] = draw(st.sampled_from(choice_values(name)))
    # Adoption needs a uv project in the destination: tests/docker/test_adopt.py adopts fixtures.
    answers["existing_project"] = False
    # base_os choices' own validators refuse some layouts (copier.yml): draw another base_os.
    refused = set(refused_layouts(copier_config()))
    if (answers["image_layout"], answers["base_os"]) in refused:
        others = [
            os for os in choice_values("base_os") if (answers["image_layout"], os) not in refused
        ]
        answers["base_os"] = draw(st.sampled_from(others))
    # The index URL is asked only with an index name (Copier validates any answer it is given).
    answers["package_index_name"] = draw(st.one_of(st.just(""), INDEX_NAME))
    if answers["package_index_name"]:
        answers["package_index_url"] = draw(index_urls)
    # catalog_owner is asked only with catalog-info.yaml; its default derives from author_name.
    if answers["use_catalog_info"] and draw(st.booleans()):
        answers["catalog_owner"] = draw(catalog_owners)
    unknown = set(answers) - set(questions)
    assert not unknown, f"not questions of copier.yml: {unknown}"
    return answers


# ---------------------------------------------------------------------------------------------
# Just outside: each free-text question's answers that its validator must refuse.
CONTROL = st.one_of(
    st.characters(min_codepoint=0, max_codepoint=0x1F),
    st.characters(min_codepoint=0x7F, max_codepoint=0x9F),
    st.sampled_from(["\r", "\x1b", "\t", "\u2028", "\u2029", "\u00a0", "\u3000"]),
)


def with_inserted(
    base: st.SearchStrategy[str], bad: st.SearchStrategy[str]
) -> st.SearchStrategy[str]:
    @st.composite
    def insert(draw) -> str:
        text = draw(base)
        at = draw(st.integers(0, len(text)))
        return text[:at] + draw(bad) + text[at:]

    return insert()


def one_char_too_many(draw_name: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return draw_name.map(lambda name: name + "a")


# Just past the bounds: ports 0 and above 65535, octets above 255, a numeric last label.
BAD_PORTS = st.one_of(
    st.sampled_from([":0", ":65536", ":99999", ":"]), st.integers(65536).map(":{}".format)
)
BAD_HOSTS = st.one_of(
    st.lists(st.integers(256, 999).map(str), min_size=4, max_size=4).map(".".join),
    st.builds("{}.{}".format, HOST_LABEL, st.integers(0, 999)),
    st.sampled_from(["999.999.999.999", "1.2.3.4.5", "pkgs.123", "0"]),
)

refused_answers: dict[str, st.SearchStrategy[str]] = {
    "project_name": st.one_of(
        project_names(NAME_MAX, NAME_MAX).map(lambda name: name + "a"),
        st.sampled_from(sorted(reserved_names())).map(lambda name: name.replace("_", "-")),
        # A name whose workspace member `<name>-core` would be a dependency (pydantic-core).
        st.sampled_from(
            sorted(n[: -len("_core")] for n in reserved_names() if n.endswith("_core"))
        ).map(lambda name: name.replace("_", "-")),
        with_inserted(project_names(), st.sampled_from(["_", "--", "A", " ", ".", "\n"])),
        project_names().map(lambda name: name + "-"),
        project_names().map(lambda name: "1" + name),
    ),
    "description": st.one_of(
        with_inserted(descriptions, CONTROL),
        with_inserted(descriptions, st.sampled_from(['"', "\\"])),
        st.sampled_from(["", " ", "   "]),
    ),
    "author_name": st.one_of(
        with_inserted(author_names, CONTROL),
        with_inserted(author_names, st.sampled_from(EMAIL_SPECIALS)),
        st.sampled_from(["", " "]),
    ),
    "author_email": st.one_of(
        with_inserted(emails, st.sampled_from(["\\", '"', " ", "\r", "\x1b", "@", ",", "$"])),
        emails.map(lambda email: email.replace("@", "")),
        emails.map(lambda email: email + "\n"),
    ),
    "catalog_owner": st.one_of(
        BACKSTAGE_NAME.map(lambda name: name + "-"),
        st.builds("group:{}/{}".format, DNS_LABEL.map(lambda ns: ns + "_x"), BACKSTAGE_NAME),
        st.builds("{}{}".format, BACKSTAGE_NAME.filter(lambda n: len(n) == 63), st.just("a")),
        st.builds("team:{}".format, BACKSTAGE_NAME),
        with_inserted(BACKSTAGE_NAME, st.sampled_from([" ", "::", "//", "é", "\n"])),
    ),
    "uv_image_digest": st.one_of(
        st.text("0123456789abcdef", min_size=63, max_size=63).map("sha256:{}".format),
        st.text("0123456789abcdef", min_size=65, max_size=65).map("sha256:{}".format),
        st.text("0123456789abcdef", min_size=64, max_size=64).map("sha256:{}\n".format),
    ),
    "dockerhub_mirror": st.one_of(
        registry_paths.map(lambda path: "https://" + path),
        registry_paths.map(lambda path: path + "/"),
        registry_paths.map(lambda path: path + "\n"),
        with_inserted(registry_paths, st.sampled_from(["..", "A", " ", "/-"])),
    ),
    "ghcr_mirror": st.one_of(
        st.just(""),
        registry_paths.map(lambda path: path + "/"),
        st.builds("{}{}".format, hosts, BAD_PORTS),
        BAD_HOSTS,
    ),
    "package_index_url": st.one_of(
        st.builds("https://{}{}/simple/".format, hosts, BAD_PORTS),
        BAD_HOSTS.map("https://{}/simple/".format),
        hosts.filter(lambda host: any(c.isalpha() for c in host)).map(
            lambda host: f"https://{host.upper()}/simple/"
        ),
    ),
    "web_app": st.one_of(
        st.sampled_from(["app.main", "app/main.py:app", "app.main:", ":app", "1app:app"]),
        st.sampled_from(["app.main:app", "notes.wsgi:app"]).map(lambda app: app + "\n"),
    ),
    "health_path": st.one_of(
        st.sampled_from(["health", "/health?full=1", "/it's", '/"x"', "//" + "a" * 200]),
        st.just("/health\n"),
    ),
    "console_script": st.one_of(
        st.sampled_from(["", "py app", "-py-app", "py-app-", "a" * 101]),
        st.just("py-app\n"),
    ),
}
