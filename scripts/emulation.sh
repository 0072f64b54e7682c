#!/usr/bin/env bash
# arm64 emulation for the Docker tier's linux/arm64 builds and runs, from Debian's packages:
# qemu-user-static (the emulators), binfmt-support (registers them in binfmt_misc with the F
# flag, so containers use them too) and docker-registry (a loopback registry that joins the
# amd64 and arm64 stand-ins under one reference). Idempotent.
set -euo pipefail

say() { printf 'emulation: %s\n' "$*"; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

bash "$(dirname -- "${BASH_SOURCE[0]}")/apt-install.sh" qemu-user-static binfmt-support docker-registry

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
