"""An organisation's defaults from a data file: a non-interactive copy, bad values refused."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.support.copier_cli import copier
from tests.support.variants import TEMPLATE_ROOT

ORG_DEFAULTS = TEMPLATE_ROOT / "docs" / "organisation-defaults.example.yml"
COPY = ("copy", "--trust", "--defaults", "-r", "HEAD")  # as a platform team calls it


def test_organisation_defaults_give_a_non_interactive_copy(tmp_path: Path) -> None:
    org = yaml.safe_load(ORG_DEFAULTS.read_text())
    result = copier(
        *COPY, "--data-file", str(ORG_DEFAULTS), "-d", "project_name=billing-api",
        str(TEMPLATE_ROOT), "billing-api", cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    project = tmp_path / "billing-api"
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    for question, value in org.items():
        assert answers[question] == value, question
    assert answers["project_name"] == "billing-api"
    dockerfile = (project / "Dockerfile").read_text()
    assert f"ARG PYTHON_IMAGE={org['dockerhub_mirror']}/python:" in dockerfile
    assert f"ARG UV_IMAGE={org['ghcr_mirror']}/astral-sh/uv:" in dockerfile
    catalog = yaml.safe_load((project / "catalog-info.yaml").read_text())
    assert catalog["spec"]["owner"] == org["catalog_owner"]
    assert (project / ".github" / "workflows" / "ci.yml").is_file()
    assert (project / "uv.lock").is_file()


@pytest.mark.parametrize(
    ("key", "bad", "message"),
    [
        pytest.param("dockerhub_mirror", "https://mirror.example/", "a scheme", id="hub-url"),
        pytest.param("ghcr_mirror", "", "registry host", id="ghcr-empty"),
        pytest.param("catalog_owner", "Payments Team", "entity reference", id="owner-words"),
        pytest.param("catalog_lifecycle", "retired", "'production'", id="lifecycle-unknown"),
        pytest.param("author_email", "payments", "e-mail address", id="email"),
    ],
)  # fmt: skip
def test_a_bad_value_in_the_defaults_file_is_refused(
    tmp_path: Path, key: str, bad: str, message: str
) -> None:
    org = yaml.safe_load(ORG_DEFAULTS.read_text())
    org[key] = bad
    data_file = tmp_path / "organisation-defaults.yml"
    data_file.write_text(yaml.safe_dump(org))

    result = copier(*COPY, "--data-file", str(data_file), str(TEMPLATE_ROOT), "svc", cwd=tmp_path)

    assert result.returncode != 0
    # Copier 9.19.1 prints a traceback; its last line names the question and says what is allowed.
    last = result.stderr.strip().splitlines()[-1]
    assert f"'{key}'" in last, last
    assert message in last, last
    assert not (tmp_path / "svc").exists(), "nothing may be written"
