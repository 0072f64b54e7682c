#!/usr/bin/env bash
# Podman, the second engine the rendered services are tested with: Debian bookworm's podman
# 4.3 (trixie's 5.4 would move systemd, util-linux and openssl to trixie on the host), with
# crun, uidmap (rootless user namespaces), slirp4netns and fuse-overlayfs. Idempotent.
set -euo pipefail

say() { printf 'podman: %s\n' "$*"; }

bash "$(dirname -- "${BASH_SOURCE[0]}")/apt-install.sh" podman crun uidmap slirp4netns fuse-overlayfs catatonit
say "$(podman --version)"
