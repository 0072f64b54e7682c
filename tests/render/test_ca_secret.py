"""An organisation's CA certificate as a BuildKit secret, as rendered: the uv steps trust it,
nothing else mentions it (the build itself is tests/docker/test_ca.py)."""

from __future__ import annotations

import re

import pytest
import yaml

from tests.support.dockerfile import instructions, uv_steps
from tests.support.rendering import RenderedProject
from tests.support.variants import VARIANTS_BY_ID, variant_params

CA_SECRET = "/run/secrets/ca-certificates"
CA_VARIANTS = variant_params("ca_certificate_secret")


@pytest.mark.parametrize("variant", CA_VARIANTS)
def test_the_ca_secret_reaches_the_uv_steps_only(project: RenderedProject, variant) -> None:
    dockerfile = project.read("Dockerfile")
    lines = instructions(dockerfile)
    steps = uv_steps(dockerfile)
    assert steps
    for step in steps:
        assert "--mount=type=secret,id=ca-certificates" in step, step
        assert f"export SSL_CERT_FILE={CA_SECRET}" in step, step
    others = [line for line in lines if line not in steps and not line.startswith("#")]
    assert not [line for line in others if "ca-certificates" in line and "secret" in line]
    # Never an image setting, never a copied file.
    assert not re.search(r"^ENV .*SSL_CERT_FILE", dockerfile, re.MULTILINE)
    assert not re.search(r"^(COPY|ADD) .*\.(pem|crt)\b", dockerfile, re.MULTILINE)
    readme = project.read("README.md")
    assert "docker build --secret id=ca-certificates,src=/path/to/ca.pem" in readme
    if variant.answer("use_compose"):
        compose = yaml.safe_load(project.read("compose.yaml"))
        index = (
            ["uv-index-username", "uv-index-password"]
            if variant.answer("package_index_name")
            else []
        )
        assert compose["services"]["app"]["build"]["secrets"] == ["ca-certificates", *index]
        assert "ca-certificates.crt" in compose["secrets"]["ca-certificates"]["file"]
    if variant.answer("use_run_script"):
        assert '--secret "$ca_secret"' in project.read("run.sh")


def test_without_the_answer_nothing_mentions_a_ca_secret(render) -> None:
    project = render(VARIANTS_BY_ID["defaults"])
    for name in ("Dockerfile", "compose.yaml", "run.sh", "README.md"):
        assert "ca-certificates" not in project.read(name).replace("ca-certificates curl", ""), name
