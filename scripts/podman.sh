#!/usr/bin/env bash
# Podman, the second engine the rendered services are tested with: Debian bookworm's podman
# 4.3 (trixie's 5.4 would move systemd, util-linux and openssl to trixie on the host), with
# crun, uidmap (rootless user namespaces), slirp4netns and fuse-overlayfs. Idempotent.
set -euo pipefail

say() { printf 'podman: %s\n' "$*"; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
for p in podman crun uidmap slirp4netns fuse-overlayfs catatonit; do
    [ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)" = installed ] || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
    say "installing ${missing[*]}"
    as_root apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" >/dev/null
else
    say "already installed"
fi
say "$(podman --version)"
