"""An organisation's catalog: defaults from a data file, a CA certificate as a build secret,
Backstage metadata. Fast tier (no Docker; the CA build itself is in test_docker_ca.py)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.rendering import RenderedProject
from tests.variants import TEMPLATE_ROOT, VARIANTS, VARIANTS_BY_ID, Variant

ORG_DEFAULTS = TEMPLATE_ROOT / "docs" / "organisation-defaults.example.yml"
CA_SECRET = "/run/secrets/ca-certificates"


def copier_copy(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The CLI exactly as a platform team would call it; no terminal, so no prompt can wait."""
    copier = str(Path(sys.executable).with_name("copier"))
    return subprocess.run(
        [copier, "copy", "--trust", "--defaults", "-r", "HEAD", *args],
        cwd=cwd, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=600,
        check=False,
    )  # fmt: skip


def test_organisation_defaults_give_a_non_interactive_copy(tmp_path: Path) -> None:
    org = yaml.safe_load(ORG_DEFAULTS.read_text())
    result = copier_copy(
        "--data-file", str(ORG_DEFAULTS), "-d", "project_name=billing-api",
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

    result = copier_copy("--data-file", str(data_file), str(TEMPLATE_ROOT), "svc", cwd=tmp_path)

    assert result.returncode != 0
    # Copier 9.19.1 prints a traceback; its last line names the question and says what is allowed.
    last = result.stderr.strip().splitlines()[-1]
    assert f"'{key}'" in last, last
    assert message in last, last
    assert not (tmp_path / "svc").exists(), "nothing may be written"


@pytest.mark.parametrize(
    ("author", "owner"),
    [("Platform Team", "group:platform-team"), ("Ada Lovelace & Co.", "group:ada-lovelace-co")],
)
def test_the_catalog_owner_defaults_to_the_author_as_a_group(
    tmp_path: Path, author: str, owner: str
) -> None:
    result = copier_copy(
        "-d", "use_catalog_info=true", "-d", f"author_name={author}", "--skip-tasks",
        str(TEMPLATE_ROOT), "svc", cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    catalog = yaml.safe_load((tmp_path / "svc" / "catalog-info.yaml").read_text())
    assert catalog["spec"]["owner"] == owner


CATALOG_VARIANTS = [v.param() for v in VARIANTS if v.answer("use_catalog_info")]
CA_VARIANTS = [v.param() for v in VARIANTS if v.answer("ca_certificate_secret")]


@pytest.fixture
def project(render, variant: Variant) -> RenderedProject:
    return render(variant)


@pytest.mark.parametrize("variant", CATALOG_VARIANTS)
def test_catalog_info_is_a_backstage_component(project: RenderedProject, variant) -> None:
    entity = yaml.safe_load(project.read("catalog-info.yaml"))
    assert entity["apiVersion"] == "backstage.io/v1alpha1"
    assert entity["kind"] == "Component"
    assert entity["metadata"]["name"] == project.answers["project_name"]
    assert entity["metadata"]["description"] == variant.answer("description")
    assert entity["spec"]["type"] == (
        "service" if variant.answer("service_kind") == "web" else "tool"
    )
    assert entity["spec"]["lifecycle"] == variant.answer("catalog_lifecycle")
    assert entity["spec"]["owner"] == project.answers["catalog_owner"]
    assert "## About this service" in project.read("README.md")


@pytest.mark.parametrize("variant", CA_VARIANTS)
def test_the_ca_secret_reaches_the_uv_steps_only(project: RenderedProject, variant) -> None:
    dockerfile = project.read("Dockerfile")
    # Instructions, continuation lines joined.
    instructions = re.sub(r"\\\n\s*", " ", dockerfile).splitlines()
    uv_steps = [line for line in instructions if re.match(r"RUN .*\buv (sync|python)\b", line)]
    assert uv_steps
    for step in uv_steps:
        assert "--mount=type=secret,id=ca-certificates" in step, step
        assert f"export SSL_CERT_FILE={CA_SECRET}" in step, step
    others = [line for line in instructions if line not in uv_steps and not line.startswith("#")]
    assert not [line for line in others if "ca-certificates" in line and "secret" in line]
    # Never an image setting, never a copied file.
    assert not re.search(r"^ENV .*SSL_CERT_FILE", dockerfile, re.MULTILINE)
    assert not re.search(r"^(COPY|ADD) .*\.(pem|crt)\b", dockerfile, re.MULTILINE)
    readme = project.read("README.md")
    assert "docker build --secret id=ca-certificates,src=/path/to/ca.pem" in readme
    if variant.answer("use_compose"):
        compose = yaml.safe_load(project.read("compose.yaml"))
        assert compose["services"]["app"]["build"]["secrets"] == ["ca-certificates"]
        assert "ca-certificates.crt" in compose["secrets"]["ca-certificates"]["file"]
    if variant.answer("use_run_script"):
        assert '--secret "$ca_secret"' in project.read("run.sh")


def test_without_the_answer_nothing_mentions_a_ca_secret(render) -> None:
    project = render(VARIANTS_BY_ID["defaults"])
    for name in ("Dockerfile", "compose.yaml", "run.sh", "README.md"):
        assert "ca-certificates" not in project.read(name).replace("ca-certificates curl", ""), name
