"""Which files a variant's answers call for: the specification the render is checked against."""

from __future__ import annotations

from tests.support.variants import Variant


def expected_files(variant: Variant, answers: dict) -> set[str]:
    package = answers["project_name"].replace("-", "_")
    web = variant.answer("service_kind") == "web"
    files = {
        ".copier-answers.yml",
        ".dockerignore",
        ".gitignore",
        ".python-version",
        "Dockerfile",
        "docker-bake.hcl",
        "README.md",
        "renovate.json",
        "pyproject.toml",
        f"src/{package}/__init__.py",
        f"src/{package}/__main__.py",
        f"src/{package}/py.typed",
    }
    if web:
        files |= {
            f"src/{package}/app.py",
            f"src/{package}/healthcheck.py",
            "tests/test_app.py",
            "tests/test_healthcheck.py",
        }
    else:
        files |= {"tests/test_cli.py"}
    if variant.answer("use_workspace"):
        member = f"packages/{answers['project_name']}-core"
        files |= {
            f"{member}/pyproject.toml",
            f"{member}/src/{package}_core/__init__.py",
            f"{member}/src/{package}_core/py.typed",
            f"{member}/tests/test_greeting.py",
        }
    else:
        files |= {f"src/{package}/greetings.py"}
    switches = {
        "use_compose": {"compose.yaml"},
        "use_run_script": {"run.sh"},
        "use_pre_commit": {".pre-commit-config.yaml"},
        "use_ci": {
            ".github/workflows/ci.yml",
            ".github/workflows/release.yml",
            ".github/workflows/template-update.yml",
        },
        "use_devcontainer": {".devcontainer/devcontainer.json"},
        "use_catalog_info": {"catalog-info.yaml"},
    }
    for question, paths in switches.items():
        if variant.answer(question):
            files |= paths
    return files
