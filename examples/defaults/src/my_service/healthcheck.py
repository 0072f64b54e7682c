"""Container health probe.

It uses the standard library only, so slim images need no curl or wget: the image's
HEALTHCHECK runs `python -m my_service.healthcheck`.
"""

import os
import sys
import urllib.error
import urllib.request


def main() -> int:
    """Return 0 when the service answers its health endpoint with 200, else 1."""
    port = os.environ.get("PORT", "8000")
    url = f"http://127.0.0.1:{port}/health"
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            healthy = response.status == 200
    except (OSError, urllib.error.URLError) as error:
        print(f"unhealthy: {error}", file=sys.stderr)
        return 1
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main())
