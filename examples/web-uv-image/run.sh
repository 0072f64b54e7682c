#!/bin/sh
# Build the dev image and run it with this project bind-mounted at /app.
# An anonymous volume over /app/.venv keeps the image's venv: a host .venv never leaks in.
# Arguments replace the default command, e.g. `./run.sh pytest` or `./run.sh my-service --help`.
# RUN_BUILD_OPTS adds options to `docker build` (e.g. --build-context for a registry mirror).
# CONTAINER_ENGINE=podman builds and runs with Podman instead of Docker (the default).
set -eu

engine="${CONTAINER_ENGINE:-docker}"

project_dir=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
image="${RUN_IMAGE:-my-service:dev}"

# Match the host user so files the container writes stay yours; root keeps the image default.
uid=$(id -u)
if [ "$uid" -eq 0 ]; then
    uid=10001
fi

# RUN_BUILD_OPTS is split into words on purpose: it holds several options.
# shellcheck disable=SC2086
"$engine" build ${RUN_BUILD_OPTS:-} --target dev --build-arg "APP_UID=$uid" --tag "$image" "$project_dir"

# An interactive terminal only when there is one, so the script also runs in CI and pipes.
if [ -t 0 ] && [ -t 1 ]; then
    set -- --interactive --tty "$image" "$@"
else
    set -- "$image" "$@"
fi

exec "$engine" run --rm --init \
    --volume "$project_dir:/app" \
    --volume /app/.venv \
    --publish "127.0.0.1:${RUN_PORT:-8000}:8000" \
    "$@"
