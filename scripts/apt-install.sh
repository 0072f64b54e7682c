#!/usr/bin/env bash
# Install the Debian packages named that are not installed yet (idempotent), quietly.
#   scripts/apt-install.sh [-t SUITE] PACKAGE...
# Debian's docker-registry package starts a service on every interface: the tests start their
# own on 127.0.0.1, so the package's is stopped and disabled where systemd runs.
set -euo pipefail

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

release=()
if [ "${1:-}" = "-t" ]; then
    release=(-t "$2")
    shift 2
fi
missing=()
for package in "$@"; do
    if [ "$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)" != installed ]; then
        missing+=("$package")
    fi
done
if [ "${#missing[@]}" -eq 0 ]; then
    printf 'apt: %s already installed\n' "$*"
    exit 0
fi
printf 'apt: installing %s\n' "${missing[*]}"
as_root apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends \
    "${release[@]}" "${missing[@]}" >/dev/null
if [[ " ${missing[*]} " == *" docker-registry "* ]] && [ -d /run/systemd/system ]; then
    as_root systemctl disable --now docker-registry >/dev/null 2>&1 || true
fi
