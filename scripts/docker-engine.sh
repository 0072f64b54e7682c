#!/usr/bin/env bash
# Install (when missing), start, stop and query a local Docker engine for the
# template's Docker test tier.
#
#   scripts/docker-engine.sh up      install engine + BuildKit + Compose v2 and start dockerd
#   scripts/docker-engine.sh down    stop dockerd, only if this script started it
#   scripts/docker-engine.sh status  one line: does the engine answer?
#
# The project's machines are Debian 12 (bookworm) with a Docker client only. Bookworm's
# docker.io (20.10) and docker-compose (v1) are too old, so the engine, buildx and
# Compose v2 come from Debian 13 (trixie), pinned at a low priority so nothing else
# moves. The apt mirror is read from the machine's own bookworm source, never hard-coded.
#
# Environment:
#   DOCKER_ENGINE_LOG      dockerd log file   (default /tmp/copier-uv-docker-dockerd.log)
#   DOCKER_ENGINE_PIDFILE  dockerd pid file   (default /tmp/copier-uv-docker-dockerd.pid)
#   DOCKER_ENGINE_TIMEOUT  seconds to wait for the daemon to answer (default 60)
set -euo pipefail

LOG_FILE=${DOCKER_ENGINE_LOG:-/tmp/copier-uv-docker-dockerd.log}
PID_FILE=${DOCKER_ENGINE_PIDFILE:-/tmp/copier-uv-docker-dockerd.pid}
TIMEOUT=${DOCKER_ENGINE_TIMEOUT:-60}
TRIXIE_SOURCE=/etc/apt/sources.list.d/copier-uv-docker-trixie.sources
TRIXIE_PIN=/etc/apt/preferences.d/copier-uv-docker-trixie
DEBIAN_PLUGIN_DIR=/usr/libexec/docker/cli-plugins

say() { printf 'docker-engine: %s\n' "$*"; }
die() {
    printf 'docker-engine: ERROR: %s\n' "$*" >&2
    exit 1
}

engine_answers() { docker info >/dev/null 2>&1; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        die "need root (or sudo) to run: $*"
    fi
}

# Print "URI<TAB>COMPONENTS<TAB>SIGNED_BY" of the machine's bookworm Debian source.
bookworm_source() {
    local f found
    shopt -s nullglob
    for f in /etc/apt/sources.list.d/*.sources; do
        # deb822: stanzas separated by blank lines; pick a "deb" stanza whose Suites
        # list contains exactly "bookworm".
        found=$(awk '
            function flush() {
                if (!disabled && types ~ /(^|[ \t])deb([ \t]|$)/ && suites ~ /(^|[ \t])bookworm([ \t]|$)/ \
                    && uri != "" && !done) {
                    split(uri, u, /[ \t]+/)
                    printf "%s\t%s\t%s\n", u[1], comps, signed
                    done = 1
                }
                types = ""; suites = ""; uri = ""; comps = ""; signed = ""; disabled = 0
            }
            /^[ \t]*$/ { flush(); next }
            /^[ \t]*#/ { next }
            {
                key = tolower($0); sub(/:.*/, "", key)
                val = $0; sub(/^[^:]*:[ \t]*/, "", val); sub(/[ \t]+$/, "", val)
                if (key == "types") types = val
                else if (key == "suites") suites = val
                else if (key == "uris") uri = val
                else if (key == "components") comps = val
                else if (key == "signed-by") signed = val
                else if (key == "enabled" && tolower(val) == "no") disabled = 1
            }
            END { flush() }
        ' "$f")
        if [ -n "$found" ]; then
            printf '%s\n' "$found"
            return 0
        fi
    done
    # One-line format: deb [signed-by=/path] URI bookworm main ...
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] || continue
        found=$(awk '
            $1 == "deb" {
                signed = ""; i = 2
                if ($2 ~ /^\[/) {
                    opts = ""
                    while (i <= NF) {
                        opts = opts " " $i
                        if ($i ~ /\]$/) { i++; break }
                        i++
                    }
                    if (match(opts, /signed-by=[^] ]+/))
                        signed = substr(opts, RSTART + 10, RLENGTH - 10)
                }
                uri = $i; suite = $(i + 1)
                if (suite != "bookworm") next
                comps = ""
                for (j = i + 2; j <= NF; j++) comps = comps (comps == "" ? "" : " ") $j
                printf "%s\t%s\t%s\n", uri, comps, signed
                exit
            }
        ' "$f")
        if [ -n "$found" ]; then
            printf '%s\n' "$found"
            return 0
        fi
    done
    return 1
}

add_trixie_source() {
    if [ -f "$TRIXIE_SOURCE" ] && [ -f "$TRIXIE_PIN" ]; then
        say "trixie apt source already present ($TRIXIE_SOURCE)"
        return 0
    fi
    local line uri comps signed
    line=$(bookworm_source) || die "no Debian bookworm apt source found in /etc/apt; cannot derive a trixie source"
    IFS=$'\t' read -r uri comps signed <<<"$line"
    [ -n "$uri" ] || die "could not read the URI of the bookworm apt source"
    [ -n "$comps" ] || comps=main
    say "adding trixie apt source ($uri, $comps), pinned at priority 100"
    {
        echo "# Added by copier-uv-docker scripts/docker-engine.sh: Docker engine, buildx, compose v2."
        echo "Types: deb"
        echo "URIs: $uri"
        echo "Suites: trixie"
        echo "Components: $comps"
        if [ -n "$signed" ]; then echo "Signed-By: $signed"; fi
    } | as_root tee "$TRIXIE_SOURCE" >/dev/null
    printf '%s\n' \
        "# Added by copier-uv-docker scripts/docker-engine.sh: only take from trixie what is asked for." \
        "Package: *" \
        "Pin: release n=trixie" \
        "Pin-Priority: 100" | as_root tee "$TRIXIE_PIN" >/dev/null
    APT_UPDATED=0
}

pkg_installed() {
    [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" = installed ]
}

APT_UPDATED=0
apt_update_once() {
    if [ "$APT_UPDATED" -eq 0 ]; then
        say "apt-get update"
        as_root apt-get update -qq >/dev/null || die "apt-get update failed"
        APT_UPDATED=1
    fi
}

install_packages() {
    local missing=() p
    for p in docker.io docker-buildx docker-compose; do
        pkg_installed "$p" || missing+=("$p")
    done
    if [ "${#missing[@]}" -eq 0 ]; then
        say "docker.io, docker-buildx, docker-compose already installed"
    else
        add_trixie_source
        apt_update_once
        say "installing from trixie: ${missing[*]}"
        DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq -t trixie \
            --no-install-recommends "${missing[@]}" >/dev/null ||
            die "apt-get install -t trixie ${missing[*]} failed"
    fi
    if pkg_installed debootstrap; then
        say "debootstrap already installed"
    else
        apt_update_once
        say "installing debootstrap"
        DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq \
            --no-install-recommends debootstrap >/dev/null || die "apt-get install debootstrap failed"
    fi
}

# Make `docker buildx` and `docker compose` work with whichever `docker` is first on PATH.
link_cli_plugins() {
    local plugin dir
    for plugin in buildx compose; do
        if docker "$plugin" version >/dev/null 2>&1; then
            continue
        fi
        [ -x "$DEBIAN_PLUGIN_DIR/docker-$plugin" ] ||
            die "docker $plugin does not work and $DEBIAN_PLUGIN_DIR/docker-$plugin is missing"
        dir=/usr/local/lib/docker/cli-plugins
        [ "$(id -u)" -eq 0 ] || dir=${HOME}/.docker/cli-plugins
        say "linking $DEBIAN_PLUGIN_DIR/docker-$plugin into $dir"
        mkdir -p "$dir"
        ln -sf "$DEBIAN_PLUGIN_DIR/docker-$plugin" "$dir/docker-$plugin"
        docker "$plugin" version >/dev/null 2>&1 || die "docker $plugin still does not work after linking"
    done
    say "$(docker buildx version 2>&1 | head -n1)"
    say "$(docker compose version 2>&1 | head -n1)"
}

start_daemon() {
    command -v dockerd >/dev/null 2>&1 || die "dockerd not found after installation"
    say "starting dockerd (log: $LOG_FILE, pid file: $PID_FILE)"
    # A daemon killed without its shutdown (a machine stopped mid-run) leaves its own pid file;
    # dockerd refuses to start while that pid names a live process, even a zombie or another.
    local stale
    stale=$(cat /var/run/docker.pid 2>/dev/null || true)
    if [ -n "$stale" ] && ! grep -qs '^dockerd$' "/proc/$stale/comm"; then
        as_root rm -f /var/run/docker.pid
    elif [ -n "$stale" ] && grep -qs '^State:.*zombie' "/proc/$stale/status"; then
        as_root rm -f /var/run/docker.pid
    fi
    : >"$LOG_FILE"
    nohup dockerd >>"$LOG_FILE" 2>&1 </dev/null &
    local pid=$!
    echo "$pid" >"$PID_FILE"
    local waited=0
    until engine_answers; do
        if ! kill -0 "$pid" 2>/dev/null; then
            rm -f "$PID_FILE"
            tail -n 30 "$LOG_FILE" >&2 || true
            die "dockerd (pid $pid) exited before answering; log tail above"
        fi
        if [ "$waited" -ge "$TIMEOUT" ]; then
            tail -n 30 "$LOG_FILE" >&2 || true
            die "dockerd (pid $pid) did not answer 'docker info' within ${TIMEOUT}s; log tail above"
        fi
        sleep 1
        waited=$((waited + 1))
    done
    say "engine answers after ${waited}s: $(docker info --format 'server {{.ServerVersion}}, storage {{.Driver}}, cgroup v{{.CgroupVersion}}' 2>/dev/null)"
}

cmd_up() {
    if engine_answers; then
        say "engine already answers; nothing to start"
        link_cli_plugins
        return 0
    fi
    command -v docker >/dev/null 2>&1 || die "no docker client on PATH"
    install_packages
    link_cli_plugins
    start_daemon
}

cmd_down() {
    if [ ! -f "$PID_FILE" ]; then
        say "no pid file ($PID_FILE): dockerd was not started by this script; leaving it alone"
        return 0
    fi
    local pid
    pid=$(cat "$PID_FILE")
    if ! [[ "$pid" =~ ^[0-9]+$ ]] || ! kill -0 "$pid" 2>/dev/null; then
        say "dockerd (pid ${pid:-?}) is not running; removing stale pid file"
        rm -f "$PID_FILE"
        return 0
    fi
    say "stopping dockerd (pid $pid)"
    kill -TERM "$pid"
    local waited=0
    while kill -0 "$pid" 2>/dev/null; do
        if [ "$waited" -ge "$TIMEOUT" ]; then
            die "dockerd (pid $pid) did not exit within ${TIMEOUT}s of SIGTERM"
        fi
        sleep 1
        waited=$((waited + 1))
    done
    rm -f "$PID_FILE"
    say "dockerd stopped after ${waited}s"
}

cmd_status() {
    if engine_answers; then
        say "engine answers: $(docker info --format 'server {{.ServerVersion}}' 2>/dev/null)"
    else
        say "engine does not answer"
        return 1
    fi
}

case "${1:-}" in
    up) cmd_up ;;
    down) cmd_down ;;
    status) cmd_status ;;
    *)
        echo "usage: $0 up|down|status" >&2
        exit 2
        ;;
esac
