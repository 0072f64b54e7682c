#!/usr/bin/env bash
# Run the template's whole test suite: questions, render, project, update and Docker tiers.
# Extra arguments go to pytest, e.g. `bash scripts/test.sh -m "not docker"`.
set -euo pipefail

repo=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

# Stop the engine afterwards only if this run started it.
engine_was_running=false
if docker info >/dev/null 2>&1; then
    engine_was_running=true
fi
stop_engine() {
    if [ "$engine_was_running" = false ]; then
        bash scripts/docker-engine.sh down || true
    fi
}
trap stop_engine EXIT

bash scripts/bootstrap.sh

# Two workers; every test of one variant runs on one worker, which renders it once. The 30
# slowest tests are listed at the end, to see where the suite's time goes.
uv run --locked pytest -n 2 --dist loadgroup --durations=30 "$@"
