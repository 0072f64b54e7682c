# my-service: the one build definition, for laptops and CI alike.
#   docker buildx bake dev --load          the dev image (my-service:dev)
#   docker buildx bake --load              the production image for this machine
#   docker buildx bake release --push      both platforms, with provenance and an SBOM
#                                          (the release workflow does this on a version tag)
# Variables come from the environment: VERSION=1.2.0 docker buildx bake ...

variable "IMAGE" {
  default = "ghcr.io/platform-team/my-service"
}

# The release's version, without the leading v; the release workflow sets it from the tag.
# It reaches the image's version label and the version the service reports (Dockerfile: VERSION).
variable "VERSION" {
  default = "dev"
}

# The platforms a release is built for (comma-separated).
variable "PLATFORMS" {
  default = "linux/amd64,linux/arm64"
}

group "default" {
  targets = ["production"]
}

# Tags and labels: the release workflow's docker/metadata-action replaces this target with its
# own (full version, major.minor, commit sha); locally it names the image after VERSION.
target "docker-metadata-action" {
  tags = ["${IMAGE}:${VERSION}"]
}

target "_common" {
  context    = "."
  dockerfile = "Dockerfile"
  args = {
    VERSION = VERSION
  }
  # The index internal's credentials, read from the variables uv reads on the host
  # too, reach the uv steps as BuildKit secrets (never a layer); unset ones are left out.
  secret = [
    "id=uv-index-username,env=UV_INDEX_INTERNAL_USERNAME",
    "id=uv-index-password,env=UV_INDEX_INTERNAL_PASSWORD",
  ]
}

target "dev" {
  inherits = ["_common"]
  target   = "dev"
  tags     = ["my-service:dev"]
}

target "production" {
  inherits = ["_common", "docker-metadata-action"]
  target   = "production"
  labels = {
    "org.opencontainers.image.title"       = "my-service"
    "org.opencontainers.image.description" = "A Python service managed by uv and shipped as a Docker image."
    "org.opencontainers.image.authors"     = "Platform Team <platform@example.com>"
    "org.opencontainers.image.version"     = VERSION
    "org.opencontainers.image.source"      = "https://github.com/platform-team/my-service"
  }
}

# What a release publishes: both platforms under one index, with the build's provenance (every
# build step and input, mode=max) and an SBOM attached, and the index annotated like the images.
target "release" {
  inherits  = ["production"]
  platforms = split(",", PLATFORMS)
  attest = [
    "type=provenance,mode=max",
    "type=sbom",
  ]
  # One entry per level: buildx 0.13 does not read the combined `index,manifest:` prefix.
  annotations = [
    "index:org.opencontainers.image.title=my-service",
    "index:org.opencontainers.image.description=A Python service managed by uv and shipped as a Docker image.",
    "index:org.opencontainers.image.version=${VERSION}",
    "index:org.opencontainers.image.source=https://github.com/platform-team/my-service",
    "manifest:org.opencontainers.image.title=my-service",
    "manifest:org.opencontainers.image.description=A Python service managed by uv and shipped as a Docker image.",
    "manifest:org.opencontainers.image.version=${VERSION}",
    "manifest:org.opencontainers.image.source=https://github.com/platform-team/my-service",
  ]
}
