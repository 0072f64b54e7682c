# The second reference: the multi-stage technique of uv's guide "Using uv in Docker" as
# astral-sh/uv-docker-example applies it, written here from the guide's text. A builder stage
# with uv: the dependencies from the lock alone (cache mount, bind-mounted lock and
# pyproject.toml), then the sources and the project, non-editable, bytecode compiled; a final
# stage on the same Python image with a non-root user and the builder's /app copied whole.
# The benchmark passes the same local base images as the variant it is compared with.
ARG PYTHON_IMAGE=python:3.13-slim-trixie
ARG UV_IMAGE=ghcr.io/astral-sh/uv:latest

FROM ${UV_IMAGE} AS uv

FROM ${PYTHON_IMAGE} AS builder
COPY --from=uv /uv /uvx /bin/
ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_NO_DEV=1 UV_PYTHON_DOWNLOADS=0
WORKDIR /app
RUN --mount=type=cache,target=/root/.cache/uv \
    --mount=type=bind,source=uv.lock,target=uv.lock \
    --mount=type=bind,source=pyproject.toml,target=pyproject.toml \
    uv sync --locked --no-install-project --no-editable
COPY . /app
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --locked --no-editable

FROM ${PYTHON_IMAGE}
RUN groupadd --system --gid 999 nonroot \
 && useradd --system --gid 999 --uid 999 --create-home nonroot
COPY --from=builder --chown=nonroot:nonroot /app /app
ENV PATH="/app/.venv/bin:$PATH" \
    HOST=0.0.0.0
USER nonroot
WORKDIR /app
