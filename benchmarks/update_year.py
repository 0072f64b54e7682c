"""A year of template releases against edited services: the conflicts `copier update` leaves.

Run from the repository root (no Docker; a few minutes):

    uv run python -m benchmarks.update_year [--ref HEAD] [--variants defaults,cli,workspace]

--ref picks the template to start from: HEAD is the working tree, or any commit (to measure
the template before a change). The releases and the teams' edits are in
tests/support/update_year.py. It prints, per release and service, the conflicted files and
whether the team and the release touched each; then the totals. Exit status 0 always: this
measures, the update tier's test asserts.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

# `uv run benchmarks/update_year.py` as well as `-m benchmarks.update_year`.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support import environment
from tests.support.update_year import RELEASES, Year, simulate


def report(year: Year) -> str:
    lines = []
    for release in RELEASES:
        lines.append(f"{release.version} {release.what}:")
        for outcome in (o for o in year.outcomes if o.release == release):
            if not outcome.conflicts:
                lines.append(f"  {outcome.service}: no conflict")
                continue
            described = ", ".join(
                f"{name} (team {'touched' if name in outcome.team_touched else 'did not touch'}"
                f" it; the release {'did' if name in outcome.release_touched else 'did not'})"
                for name in outcome.conflicts
            )
            lines.append(f"  {outcome.service}: conflicts in {described}")
    untouched = sum(len(o.untouched_by_team()) for o in year.outcomes)
    needless = sum(len(o.needless()) for o in year.outcomes)
    services = len({o.service for o in year.outcomes})
    lines.append(
        f"Total: {year.conflicts()} conflicted files in {len(year.outcomes)} updates"
        f" ({services} services x {len(RELEASES)} releases); {untouched} in files the team did"
        f" not touch; {needless} needless (not where both changed the same setting);"
        f" {year.conflicts() - needless} where both changed the same setting"
    )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ref", default="HEAD", help="the template's commit to start from")
    parser.add_argument("--variants", default="defaults,cli,workspace")
    options = parser.parse_args()
    environment.setup()
    with tempfile.TemporaryDirectory(prefix="update-year-") as root:
        year = simulate(
            Path(root),
            ref=options.ref,
            variants=tuple(options.variants.split(",")),
            log=lambda line: print(line, file=sys.stderr, flush=True),
        )
    print(report(year))
    return 0


if __name__ == "__main__":
    sys.exit(main())
