"""The update tier's releases of the template, and a service owner's everyday edits.

The template as it is now (uncommitted work included) is committed and tagged 0.1.0 in a
temporary repository; 0.2.0 then changes a Dockerfile line, .dockerignore, the watch config, adds
a file and a dev dependency and renames run.sh to dev.sh through a `_migrations` entry; 0.3.0
makes a small change. Used by the update tier and by the Docker tier's after-update build.
"""

from __future__ import annotations

from pathlib import Path

from tests.support.commands import run
from tests.support.releases import TemplateRepo, commit_all, edit_file, render_release, snapshot

PACKAGE = "my_service"  # the default project_name, my-service
OLD_ENV_LINE = "    PYTHONUNBUFFERED=1 \\\n"
NEW_ENV_LINES = "    PYTHONUNBUFFERED=1 \\\n    PYTHONFAULTHANDLER=1 \\\n"
#: The Dockerfile source of each image layout.
DOCKERFILES = [
    f"template/{{% if image_layout == '{layout}' %}}Dockerfile{{% endif %}}.jinja"
    for layout in ("multistage", "uv-image", "standalone")
]
RUN_SH = "template/{% if use_run_script %}run.sh{% endif %}.jinja"
DEV_SH = "template/{% if use_run_script %}dev.sh{% endif %}.jinja"
COMPOSE = "template/{% if use_compose %}compose.yaml{% endif %}.jinja"

# A release-specific migration, in the style a real release would use: run.sh becomes dev.sh
# in 0.2.0. Copier renders dev.sh and deletes run.sh (a file only the old release had), so the
# migration, after the update, gives dev.sh the project's own run.sh (edits included). It logs
# every run, so the test can prove it runs once, across 0.2.0 only.
RENAME_MIGRATION = '''\
"""0.2.0 renamed run.sh to dev.sh: keep the project's own run.sh, edits included."""
import os
import subprocess
import sys
from pathlib import Path

with open(sys.argv[1], "a") as log:
    log.write(f"{os.environ['VERSION_PEP440_FROM']} -> {os.environ['VERSION_PEP440_TO']}\\n")
old = subprocess.run(["git", "show", "HEAD:run.sh"], capture_output=True, check=False)
if old.returncode == 0 and Path("dev.sh").is_file():
    Path("dev.sh").write_bytes(old.stdout)
    print("migration 0.2.0: run.sh is now dev.sh")
'''


def make_releases(root: Path) -> TemplateRepo:
    """A template repository tagged 0.1.0 (the template now), 0.2.0 and 0.3.0, under `root`."""
    template = TemplateRepo(root / "template")
    template.put(snapshot("HEAD"))
    template.commit("the template as it is now", tag="0.1.0")

    for dockerfile in DOCKERFILES:
        template.edit(dockerfile, OLD_ENV_LINE, NEW_ENV_LINES)
    template.edit("template/.dockerignore", "*.swp\n", "*.swp\n*.orig\n*.rej\n")
    template.edit(
        COMPOSE, "            - .venv/\n", "            - .venv/\n            - .pytest_cache/\n"
    )
    template.write("template/.editorconfig", "root = true\n\n[*]\nend_of_line = lf\n")
    template.edit(
        "template/pyproject.toml.jinja",
        '    "pytest>=8",\n',
        '    "pytest>=8",\n    "pytest-cov>=5",\n',
    )
    template.rename(RUN_SH, DEV_SH)
    template.write("hooks/migrate_0_2_0.py", RENAME_MIGRATION)
    log = root / "migrations.log"
    script = "{{ _copier_conf.src_path }}/hooks/migrate_0_2_0.py"
    entry = (
        "_migrations:\n"
        '  - version: "0.2.0"\n'
        f'    command: ["{{{{ _copier_python }}}}", "{script}", "{log}"]\n'
    )
    config = template.read("copier.yml")
    if "\n_migrations:\n" in config:
        template.edit("copier.yml", "\n_migrations:\n", "\n" + entry)
    else:
        template.write("copier.yml", config + "\n" + entry)
    template.commit(
        "0.2.0: Dockerfile, .dockerignore, watch, .editorconfig, pytest-cov, dev.sh", tag="0.2.0"
    )

    template.edit(
        "template/.editorconfig", "end_of_line = lf\n", "end_of_line = lf\ncharset = utf-8\n"
    )
    template.commit("0.3.0: .editorconfig charset", tag="0.3.0")
    return template


def migration_log(template: TemplateRepo) -> list[str]:
    path = template.path.parent / "migrations.log"
    return path.read_text().splitlines() if path.exists() else []


def new_project(template: TemplateRepo, tmp_path: Path, vcs_ref: str = "0.1.0", **data) -> Path:
    return render_release(template, tmp_path / "project", vcs_ref=vcs_ref, data=data)


def lock_is_current(project: Path) -> bool:
    result = run(["uv", "lock", "--check", "--offline"], cwd=project, check=False)
    return result.returncode == 0


def make_user_edits(project: Path) -> None:
    """A service owner's everyday changes, committed."""
    edit_file(project / "Dockerfile", lambda text: text + 'LABEL com.example.team="payments"\n')
    edit_file(project / "README.md", lambda text: text + "\n## Team notes\n\nOn call: payments.\n")
    edit_file(
        project / "src" / PACKAGE / "app.py",
        lambda text: (
            text + '\n\n@app.get("/invoices")\ndef invoices() -> list[str]:\n    return []\n'
        ),
    )
    (project / "src" / PACKAGE / "billing.py").write_text('"""Billing rules."""\n\nRATE = 3\n')
    edit_file(
        project / "run.sh",
        lambda text: text.replace("#!/bin/sh\n", "#!/bin/sh\n# team: payments\n", 1),
    )
    # A dependency of the project's own, with its lock.
    run(["uv", "add", "--no-sync", "rich"], cwd=project)
    commit_all(project, "our own changes")
