"""Fast tier: the loopback registry tells its own failures (a 5xx answer) from a client's.

The release fixture pushes again only when `LocalRegistry.failed_in` says the test server
answered 5xx; a refused push, a build error or another registry's answer must not qualify.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import example, given
from hypothesis import strategies as st

from tests.support.standins import LocalRegistry

#: The line the CI run printed when the registry answered 500 to buildx's second push.
SEEN_IN_CI = (
    "ERROR: unexpected status from HEAD request to "
    "http://127.0.0.1:48047/v2/releases/defaults/manifests/1.4.2: 500 Internal Server Error"
)
PORTS = st.integers(min_value=1024, max_value=65535)
PATHS = st.from_regex(r"v2/[a-z0-9/]{1,30}/(manifests|blobs)/[a-z0-9.:]{1,20}", fullmatch=True)
METHODS = st.sampled_from(["HEAD", "GET", "PUT", "POST", "PATCH"])


def registry(port: int) -> LocalRegistry:
    # Not started: failed_in reads only the host.
    return LocalRegistry(Path("/nonexistent"), port, None)  # type: ignore[arg-type]


def answer(method: str, port: int, path: str, status: int) -> str:
    return (
        f"ERROR: unexpected status from {method} request to "
        f"http://127.0.0.1:{port}/{path}: {status} Status Text"
    )


@given(port=PORTS, path=PATHS, method=METHODS, status=st.integers(500, 599))
@example(port=48047, path="v2/releases/defaults/manifests/1.4.2", method="HEAD", status=500)
def test_a_5xx_of_this_registry_is_its_own_failure(port, path, method, status) -> None:
    assert registry(port).failed_in("#33 pushing layer done\n" + answer(method, port, path, status))


def test_the_line_seen_in_ci_is_the_registrys_failure() -> None:
    assert registry(48047).failed_in(SEEN_IN_CI)
    assert not registry(48048).failed_in(SEEN_IN_CI)


@given(port=PORTS, other=PORTS, path=PATHS, method=METHODS, status=st.integers(100, 599))
def test_other_answers_are_not_its_failure(port, other, path, method, status) -> None:
    """4xx (a refused push) and 2xx/3xx from this registry, and anything from another one."""
    mine = registry(port)
    if status < 500:
        assert not mine.failed_in(answer(method, port, path, status))
    if other != port:
        assert not mine.failed_in(answer(method, other, path, status))


@given(text=st.text(max_size=200))
def test_output_without_its_host_is_never_its_failure(text: str) -> None:
    assert not registry(48047).failed_in(text.replace("127.0.0.1:48047", ""))
