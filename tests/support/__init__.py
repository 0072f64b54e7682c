"""What the tests and the benchmarks share, one module per mechanism; no fixtures, no conftest.

Answers and rendering
  variants          the one list of named variants; copier.yml's questions and defaults
  answer_space      the answers the questions accept, as Hypothesis strategies
  bad_answers       bad answers and the refusal each must give
  expected_files    which files a variant's answers call for
  fresh_clone       what a clone of a rendered project and its build context lack
  rendering         rendering and updating with Copier's API; rendered projects
  copier_cli        the Copier CLI as users call it
  readme_example    the rendered README's examples, as written
  dockerfile        a rendered Dockerfile read as instructions
  ci_checks         what a rendered project's own CI checks
  backstage_form    the committed Backstage Template's form
  backstage_node    Backstage's own validators, in one Node process
Updates and releases
  releases          temporary template and project repositories, tagged releases
  update_scenario   the update tier's releases 0.1.0-0.3.0 and an owner's edits
  update_year       a year of template releases against edited services: the conflicts
  workflow_steps    a GitHub Actions job's shell steps, run here as the runner would
  release_path      an owner's path between two real releases
  adoption          adopting an existing service with the README's command, as written
Running things
  environment       isolation from the developer's settings; this machine's Pythons
  host_pythons      this machine's pyenv interpreters
  ci                CI=true: a missing tool fails instead of skipping
  commands          running a command (its output in the failure), git
  scripts           the repository's scripts, loaded by path as they run
  ports             free loopback ports
  hypothesis_profiles  Hypothesis settings and example counts
Docker
  engine            the docker client, whether the engine works, waiting for it
  build_lock        the one-build-at-a-time lock every build holds
  image_refs        `ARG *_IMAGE=` references and which stand-in each needs
  upstream_images   upstream-images.toml: the references upstream publishes, found in a render
  standins/         the offline stand-ins (base images, registries, Python mirror): README.md
  builds            the one `docker build`, stand-ins substituted with `--build-context`
  buildability      whether this machine can build a variant (Docker tier, benchmark)
  layers            an image's layers and their bytes
  containers        running images and containers, and waiting for them
  docker_project    the Docker tier's per-variant project and per-session state
  lock_in_image     writing a project's missing uv.lock with its own Python, in Docker
  arm64_probe       what a linux/arm64 image holds, asked from inside it
  release_engine    a private dockerd with the containerd store, for release builds
  devcontainer_cli  `devcontainer up` / `exec` of a rendered project
  podman_engine     rootless Podman in a store of the test's own
"""
