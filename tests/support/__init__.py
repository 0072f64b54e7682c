"""What the tests and the benchmark share, one module per mechanism; no fixtures, no conftest.

variants         the one list of named variants, and copier.yml's questions and defaults
environment      isolation from the developer's settings; this machine's Pythons (host_pythons)
ci               CI=true: a missing tool fails instead of skipping
commands         running a command (its output in the failure), git
scripts          the repository's scripts, loaded by path as they run
copier_cli       the Copier CLI of the test environment, run without a terminal
rendering        rendering and updating with Copier's API; rendered projects
expected_files   which files a variant's answers call for
fresh_clone      what a clone of a rendered project and its build context lack
releases         temporary template repositories, tagged releases, a project's git state
update_scenario  the update tier's releases 0.1.0-0.3.0 and a service owner's edits
ports            free loopback ports
engine           the docker client, whether the engine works, waiting for it to come back
build_lock       the one-build-at-a-time lock every build holds
image_refs       Dockerfile `ARG *_IMAGE=` references and which local stand-in each needs
rootfs           Debian root filesystems by debootstrap from this machine's apt mirror
base_images      building the local stand-ins for the public base images
builds           the one `docker build`, with `--build-context` substitution of the stand-ins
buildability     whether this machine can build a variant (Docker tier and benchmark)
layers           an image's layers and their bytes
containers       running containers and images, and waiting for them
docker_project   the Docker tier's per-variant project and per-session state
"""
