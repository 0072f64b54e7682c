#!/usr/bin/env bash
# Podman, the second engine the rendered services are tested with: Debian bookworm's podman
# 4.3 (trixie's 5.4 would move systemd, util-linux and openssl to trixie on the host), with
# crun, uidmap (rootless user namespaces), slirp4netns and fuse-overlayfs. Idempotent.
set -euo pipefail

say() { printf 'podman: %s\n' "$*"; }

bash "$(dirname -- "${BASH_SOURCE[0]}")/apt-install.sh" podman crun uidmap slirp4netns fuse-overlayfs catatonit
say "$(podman --version)"

# Rootless Podman (the Podman tier runs as this user): an unprivileged user with subordinate
# UID and GID ranges for its user namespaces.
user=cuvd-podman
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
if ! id "$user" >/dev/null 2>&1; then
    as_root useradd --create-home --shell /usr/sbin/nologin "$user"
    say "created the rootless Podman user $user"
fi
for file in /etc/subuid /etc/subgid; do
    if ! grep -q "^$user:" "$file" 2>/dev/null; then
        # useradd allocates ranges itself where login.defs asks it to; this is the fallback.
        flag=--add-subuids
        [ "$file" = /etc/subgid ] && flag=--add-subgids
        as_root usermod "$flag" 200000-265535 "$user"
    fi
done
# slirp4netns, rootless Podman's network, opens /dev/net/tun as that user: Debian's default
# mode is 0666, which some machines (these among them) do not have.
if [ ! -c /dev/net/tun ]; then
    as_root modprobe tun 2>/dev/null || true
fi
if [ -c /dev/net/tun ] && [ "$(stat -c %a /dev/net/tun)" != 666 ]; then
    as_root chmod 0666 /dev/net/tun
    say "made /dev/net/tun usable by users (mode 0666, Debian's default)"
fi
say "rootless user $user: $(grep "^$user:" /etc/subuid)"
