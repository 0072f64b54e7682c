#!/usr/bin/env bash
# arm64 emulation for the Docker tier's linux/arm64 builds and runs, from Debian's packages:
# qemu-user-static (the emulators), binfmt-support (registers them in binfmt_misc with the F
# flag, so containers use them too) and docker-registry (a loopback registry that joins the
# amd64 and arm64 stand-ins under one reference). Idempotent.
set -euo pipefail

say() { printf 'emulation: %s\n' "$*"; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
for p in qemu-user-static binfmt-support docker-registry; do
    [ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)" = installed ] || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
    say "installing ${missing[*]}"
    as_root apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" >/dev/null
else
    say "qemu-user-static, binfmt-support, docker-registry already installed"
fi
# Debian's docker-registry package starts a service on port 5000; the tests start their own.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet docker-registry 2>/dev/null; then
    as_root systemctl disable --now docker-registry >/dev/null 2>&1 || true
fi

binfmt=/proc/sys/fs/binfmt_misc
if [ ! -e "$binfmt/register" ]; then
    say "mounting binfmt_misc"
    as_root mount -t binfmt_misc binfmt_misc "$binfmt"
fi
if [ ! -e "$binfmt/qemu-aarch64" ]; then
    say "registering the arm64 emulator"
    as_root update-binfmts --enable qemu-aarch64
fi
say "arm64 emulator: $(head -n1 "$binfmt/qemu-aarch64")"
