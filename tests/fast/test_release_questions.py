"""Fast tier: the release answers (image repository, GitHub repository) and the template's own
Renovate config.

The validators are copier.yml's own Jinja, rendered with the filters Copier gives them; the
oracle for an image repository is the Docker reference grammar (distribution/reference).
"""

from __future__ import annotations

import ipaddress
import json
import re
import shutil
import subprocess

import copier
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jinja2.sandbox import SandboxedEnvironment

from tests.support.ci import skip_or_fail
from tests.support.variants import TEMPLATE_ROOT, copier_config

NODE_BIN = TEMPLATE_ROOT / "tests" / "tools" / "node_modules" / ".bin"
JINJA = SandboxedEnvironment(extensions=["jinja2_ansible_filters.AnsibleCoreFiltersExtension"])

# distribution/reference's grammar for a repository name, with the registry host required
# (the release workflow logs in to that host) and the path lowercase.
_ALNUM = r"[a-z0-9]+"
_PATH_COMPONENT = rf"{_ALNUM}(?:(?:[._]|__|-+){_ALNUM})*"
_DOMAIN_COMPONENT = r"(?:[a-z0-9]|[a-z0-9][a-z0-9-]*[a-z0-9])"
_DOMAIN = rf"{_DOMAIN_COMPONENT}(?:\.{_DOMAIN_COMPONENT})*(?::[0-9]+)?"
DOCKER_REPOSITORY = re.compile(rf"{_DOMAIN}(?:/{_PATH_COMPONENT})+")

DERANDOMIZED = settings(derandomize=True, max_examples=300, deadline=None)


def refusal(question: str, value: str, **answers: object) -> str:
    """The message copier.yml's validator gives for `value` ('' when it is accepted)."""
    config = copier_config()
    context = {name: spec["default"] for name, spec in config.items() if isinstance(spec, dict)}
    context.update(answers, **{question: value})
    context["_copier_conf"] = {"data": {question: value, **answers}}  # what Copier was given
    return JINJA.from_string(config[question]["validator"]).render(**context).strip()


def has_registry_host(value: str) -> bool:
    host = value.split("/")[0]
    return "." in host or ":" in host or host == "localhost"


def host_is_addressable(value: str) -> bool:
    """Docker can reach the host: an IPv4 address, or a DNS name whose last label starts with a
    letter (a numeric one reads as an address); a port, if any, from 1 to 65535."""
    name, _, port = value.split("/")[0].partition(":")
    if port and not (port.isdigit() and 1 <= int(port) <= 65535 and port[0] != "0"):
        return False
    try:
        return ipaddress.IPv4Address(name).exploded == name
    except ValueError:
        return name.rsplit(".", 1)[-1][:1].isalpha()


#: Near misses as well as noise: a host, then path components over the separators' alphabet.
NEAR_REPOSITORIES = st.one_of(
    st.text(alphabet="abcAB09.-_:/ @\n", max_size=40),
    st.builds(
        lambda host, parts: "/".join([host, *parts]),
        st.sampled_from(["ghcr.io", "localhost", "r.example.com:5000", "team", "a-.io", "A.io"]),
        st.lists(st.text(alphabet="ab0._-A:", min_size=0, max_size=6), min_size=0, max_size=3),
    ),
)


@DERANDOMIZED
@given(NEAR_REPOSITORIES)
def test_an_accepted_image_repository_is_a_docker_repository_with_a_host(value: str) -> None:
    if not refusal("image_repository", value):
        assert DOCKER_REPOSITORY.fullmatch(value), value
        assert has_registry_host(value), value
        assert host_is_addressable(value), value


@DERANDOMIZED
@given(st.from_regex(DOCKER_REPOSITORY, fullmatch=True))
def test_every_docker_repository_with_a_host_is_accepted(value: str) -> None:
    if has_registry_host(value) and host_is_addressable(value) and len(value) <= 255:
        assert refusal("image_repository", value) == "", value


@pytest.mark.parametrize(
    ("value", "message"),
    [
        pytest.param("ghcr.io/Team/app", "lowercase", id="upper"),
        pytest.param("team/app", "registry host", id="no-host"),
        pytest.param("ghcr.io/team/app:1.0", "without a scheme, tag", id="tag"),
        pytest.param("https://ghcr.io/team/app", "without a scheme", id="scheme"),
        pytest.param("ghcr.io/team/app/", "trailing slash", id="slash"),
        pytest.param("ghcr.io/team/app\n", "registry host", id="newline"),
        pytest.param("ghcr.io/team..x/app", "registry host", id="double-dot"),
    ],
)
def test_a_bad_image_repository_is_refused_before_anything_is_written(
    tmp_path, value: str, message: str
) -> None:
    with pytest.raises(ValueError, match="image_repository") as refused:
        copier.run_copy(
            str(TEMPLATE_ROOT), tmp_path / "project", data={"image_repository": value},
            defaults=True, vcs_ref="HEAD", skip_tasks=True, quiet=True,
            settings=copier.Settings(),
        )  # fmt: skip
    assert message in str(refused.value)
    assert not (tmp_path / "project").exists() or not any((tmp_path / "project").iterdir())


@DERANDOMIZED
@given(st.text(alphabet="abAB09.-_/ \n", max_size=30))
def test_an_accepted_github_repository_is_owner_slash_name(value: str) -> None:
    if not refusal("github_repository", value):
        owner, name = value.split("/")
        assert re.fullmatch(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,37}[A-Za-z0-9])?", owner), value
        assert re.fullmatch(r"[A-Za-z0-9._-]{1,100}", name), value
        assert name not in {".", ".."}, value


@DERANDOMIZED
@given(st.text(min_size=1, max_size=60).filter(lambda s: s.strip() and "\n" not in s))
def test_the_default_repositories_are_valid_for_any_author(author: str) -> None:
    """Whatever the author is called, `copier copy --defaults` gets valid repositories."""
    config = copier_config()
    github = JINJA.from_string(config["github_repository"]["default"]).render(
        author_name=author, project_name="my-service"
    )
    assert refusal("github_repository", github) == "", (author, github)
    image = JINJA.from_string(config["image_repository"]["default"]).render(
        github_repository=github
    )
    assert refusal("image_repository", image) == "", (author, image)


def test_renovate_validator_accepts_the_template_repositorys_own_config() -> None:
    node, validator = NODE_BIN / "node", NODE_BIN / "renovate-config-validator"
    if not (shutil.which(str(node)) and validator.exists()):
        skip_or_fail("renovate-config-validator is not installed (npm ci --prefix tests/tools)")
    result = subprocess.run(
        [str(node), str(validator.resolve()), "--strict", "--no-global", "renovate.json"],
        cwd=TEMPLATE_ROOT, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_template_renovate_config_follows_sha_pinned_actions() -> None:
    """The repository's own manager for the template's `uses:` lines reads SHA + version."""
    config = json.loads((TEMPLATE_ROOT / "renovate.json").read_text())
    (manager,) = [m for m in config["customManagers"] if "GitHub Actions" in m["description"]]
    pattern = re.compile(manager["matchStrings"][0].replace("(?<", "(?P<"))
    workflows = TEMPLATE_ROOT / "template" / "{% if use_ci %}.github{% endif %}" / "workflows"
    lines = [
        line
        for path in workflows.glob("*.jinja")
        for line in path.read_text().splitlines()
        if "uses:" in line
    ]
    assert lines
    for line in lines:
        match = pattern.search(line)
        assert match, line
        assert len(match["currentDigest"]) == 40
        assert match["currentValue"].startswith("v")
