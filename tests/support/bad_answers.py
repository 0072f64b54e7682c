"""Bad answers and what the refusal must say: one list, for the questions tier and for the
Backstage form's side-by-side check with Copier."""

from __future__ import annotations

import pytest

from tests.support.variants import EXAMPLE_DIGEST

#: (answers, a phrase of the refusal) for the questions every project is asked.
BAD_ANSWERS = [
    pytest.param({"project_name": ""}, "lowercase letters", id="name-empty"),
    pytest.param({"project_name": "my service"}, "lowercase letters", id="name-space"),
    pytest.param({"project_name": "1service"}, "starting with a letter", id="name-digit"),
    pytest.param({"project_name": "My-Service"}, "lowercase letters", id="name-upper"),
    pytest.param({"project_name": "my--service"}, "single hyphens", id="name-double-hyphen"),
    pytest.param({"project_name": "my_service"}, "single hyphens", id="name-underscore"),
    pytest.param({"project_name": "json"}, "clashes", id="name-stdlib"),
    pytest.param({"project_name": "fastapi"}, "clashes", id="name-dependency"),
    pytest.param({"project_name": "tests"}, "clashes", id="name-tests"),
    pytest.param({"project_name": "a" * 51}, "50 characters or fewer", id="name-long"),
    pytest.param({"description": "  "}, "one-line description", id="description-blank"),
    pytest.param({"description": 'say "hi"'}, "double quotes", id="description-quote"),
    pytest.param({"description": "two\nlines"}, "one line", id="description-newline"),
    pytest.param({"author_name": ""}, "author", id="author-empty"),
    pytest.param({"author_email": "team"}, "e-mail address", id="email-no-at"),
    pytest.param({"author_email": "a b@example.com"}, "e-mail address", id="email-space"),
    pytest.param({"python_version": "3.10"}, "3.11", id="python-unsupported"),
    pytest.param({"python_version": "3.9"}, "3.13", id="python-old"),
    pytest.param({"service_kind": "worker"}, "web", id="kind-unknown"),
    pytest.param({"image_layout": "distroless"}, "multistage", id="layout-unknown"),
    pytest.param({"base_os": "ubuntu"}, "trixie", id="os-unknown"),
    pytest.param(
        {"base_os": "alpine", "image_layout": "standalone"},
        "pick trixie or bookworm",
        id="alpine-standalone",
    ),
    pytest.param(
        {"base_os": "bookworm", "image_layout": "uv-image"},
        "pick trixie, or the multistage layout",
        id="bookworm-uv-image",
    ),
    pytest.param({"uv_install": "pip"}, "installer", id="uv-install-unknown"),
    pytest.param({"uv_image_digest": "sha256:abc"}, "64 lowercase hex", id="digest-short"),
    pytest.param({"uv_image_digest": EXAMPLE_DIGEST[7:]}, "sha256:", id="digest-no-algorithm"),
    pytest.param({"dockerhub_mirror": "https://mirror/"}, "without a scheme", id="hub-scheme"),
    pytest.param({"dockerhub_mirror": "mirror.example/"}, "trailing slash", id="hub-slash"),
    pytest.param({"ghcr_mirror": ""}, "registry host", id="ghcr-empty"),
    pytest.param({"ghcr_mirror": "Mirror Host"}, "registry host", id="ghcr-space"),
    pytest.param(
        {"organisation_defaults": "https://u:pw@config.example/org.yml"},
        "without credentials",
        id="org-defaults-credentials",
    ),
    pytest.param({"organisation_defaults": "../org.yml"}, "without . or ..", id="org-defaults-up"),
    pytest.param({"organisation_defaults": "ftp://h/o.yml"}, "http(s) URL", id="org-defaults-ftp"),
    # Issue 22: what Docker or uv cannot read, each refused with what is wrong with it.
    pytest.param({"ghcr_mirror": "Mirror.example.com"}, "in lowercase", id="ghcr-upper"),
    pytest.param({"ghcr_mirror": "mirror.example:0"}, "from 1 to 65535", id="ghcr-port-0"),
    pytest.param(
        {"dockerhub_mirror": "mirror.example:65536/hub"}, "from 1 to 65535", id="hub-port-65536"
    ),
    pytest.param({"dockerhub_mirror": "mirror.123/hub"}, "last part", id="hub-numeric-tld"),
    pytest.param({"ghcr_mirror": "999.999.999.999"}, "IPv4 address", id="ghcr-bad-ipv4"),
    pytest.param({"project_name": "python3"}, "clashes", id="name-venv-python"),
    pytest.param(
        {"github_repository": "acme/.github"}, "is derived from this answer", id="repo-dot-name"
    ),
]

#: The same for the private package index answers.
BAD_INDEX_ANSWERS = [
    pytest.param({"package_index_name": "Corp"}, "lowercase letters", id="name-upper"),
    pytest.param({"package_index_name": "corp pypi"}, "lowercase letters", id="name-space"),
    pytest.param({"package_index_name": "9corp"}, "starting with a letter", id="name-digit"),
    pytest.param({"package_index_name": "c" * 33}, "at most 32", id="name-long"),
    pytest.param({"package_index_name": "corp"}, "http(s) URL", id="url-missing"),
    pytest.param(
        {"package_index_name": "corp", "package_index_url": "https://u:pw@pkgs.example/simple/"},
        "without credentials", id="url-credentials",
    ),
    pytest.param(
        {"package_index_name": "corp", "package_index_url": "pkgs.example/simple/"},
        "http(s) URL", id="url-no-scheme",
    ),
    pytest.param(
        {"package_index_name": "corp", "package_index_url": "https://pkgs.example:65536/simple/"},
        "from 1 to 65535", id="url-port-65536",
    ),
    pytest.param(
        {"package_index_name": "corp", "package_index_url": "https://999.999.999.999/simple/"},
        "IPv4 address", id="url-bad-ipv4",
    ),
    pytest.param(
        {"package_index_name": "corp", "package_index_url": "https://pkgs.example.123/simple/"},
        "last part starts with a letter", id="url-numeric-tld",
    ),
    pytest.param(
        {"package_index_name": "corp", "package_index_url": "https://Pkgs.Example.com/simple/"},
        "host in lowercase", id="url-upper",
    ),
    pytest.param(
        {"package_index_name": "corp", "package_index_url": "https://pkgs.example/?x=1"},
        "a query", id="url-query",
    ),
]  # fmt: skip
