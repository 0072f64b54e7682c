"""Docker tier, layering: a one-line source edit rebuilds only a small top layer; the
dependency layer is reused. Bytes are counted from the images, never time."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.containers import run_in_image
from tests.support.docker_project import DockerProject
from tests.support.layers import layers
from tests.support.variants import variant_params

pytestmark = pytest.mark.parametrize(
    "variant",
    variant_params(),
)

#: The issue's budget for what a one-line source edit may re-ship.
CHANGED_BYTES_BUDGET = 16_000


def is_dependency_step(created_by: str) -> bool:
    """COPY --from=build /app/.venv /app/.venv, in every layout."""
    return created_by.startswith("COPY /app/.venv /app/.venv")


def test_a_source_edit_reuses_the_dependency_layer_and_reships_under_16_kb(
    docker_project: DockerProject, tmp_path: Path
) -> None:
    copy = docker_project.copy(tmp_path / "project")
    before_image, _ = docker_project.build(path=copy, name="before")
    before = layers(before_image)

    init = copy / "src" / docker_project.package_name / "__init__.py"
    init.write_text(init.read_text() + "EDITED = 'one line'\n")
    after_image, _ = docker_project.build(path=copy, name="after")
    after = layers(after_image)

    # The edit really shipped.
    probe = run_in_image(
        after_image,
        "-c",
        f"import {docker_project.package_name} as p; print(p.EDITED)",
        entrypoint="python",
    )
    assert probe.stdout.strip() == "one line", probe.stderr

    dependency = [layer for layer in before if is_dependency_step(layer.created_by)]
    assert len(dependency) == 1, [layer.created_by for layer in before]
    before_digests = [layer.digest for layer in before]
    after_digests = [layer.digest for layer in after]
    # Everything up to and including the dependency layer is reused as it is.
    cut = before_digests.index(dependency[0].digest) + 1
    assert after_digests[:cut] == before_digests[:cut]

    changed = [layer for layer in after if layer.digest not in set(before_digests)]
    changed_bytes = sum(layer.size for layer in changed)
    print(
        f"{docker_project.variant.id}: {len(changed)} changed layer(s), {changed_bytes} bytes "
        f"({', '.join(layer.created_by[:60] for layer in changed)}); "
        f"dependency layer {dependency[0].size} bytes reused"
    )
    assert changed, "the edit changed no layer"
    assert changed_bytes < CHANGED_BYTES_BUDGET, [(c.size, c.created_by) for c in changed]
