# The naive reference image the benchmark compares every variant with: one stage,
# the whole project copied, then `uv sync`. No cache mount, no dependency layer split,
# no non-root user, no bytecode compilation; uv stays in the image.
# The benchmark passes the same local base images as the variant it is compared with
# (--build-arg plus --build-context), so only the Dockerfile differs.
ARG PYTHON_IMAGE=python:3.13-slim-trixie
ARG UV_IMAGE=ghcr.io/astral-sh/uv:latest

FROM ${UV_IMAGE} AS uv

FROM ${PYTHON_IMAGE}
COPY --from=uv /uv /uvx /bin/
WORKDIR /app
COPY . .
RUN uv sync --locked --no-dev
ENV PATH="/app/.venv/bin:$PATH" \
    HOST=0.0.0.0
