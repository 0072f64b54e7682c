#!/usr/bin/env bash
# Render a service from this template with the defaults and run it in Docker.
# Usage: bash scripts/try-service.sh [DESTINATION] [--port PORT]
set -euo pipefail
repo=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
destination_parent=$PWD
bash "$repo/scripts/bootstrap.sh"
cd "$destination_parent"
exec uv run --project "$repo" --locked python "$repo/scripts/try_service.py" "$@"
