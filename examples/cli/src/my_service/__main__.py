"""Command-line entry point of my-service.

Run it as either of:

    my-service
    python -m my_service
"""

import argparse
import sys
from importlib.metadata import metadata

from my_service import __version__
from my_service.greetings import greeting

NAME = "my-service"  # the command and the distribution


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments, print the greeting and return the exit status."""
    parser = argparse.ArgumentParser(prog=NAME, description=metadata(NAME)["Summary"])
    parser.add_argument("--name", default="world", help="who to greet (default: %(default)s)")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    args = parser.parse_args(argv)
    print(greeting(args.name))
    return 0


if __name__ == "__main__":
    sys.exit(main())
