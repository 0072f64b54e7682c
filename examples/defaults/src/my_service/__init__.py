"""The my-service service.

Its one-line description is in pyproject.toml only: the text is the user's, so no Python linter
rule (line length, look-alike characters) can trip over it here.
"""

import os
from importlib.metadata import version

# A released image sets SERVICE_VERSION from its tag (see the Dockerfile); elsewhere the
# installed package's version applies.
DISTRIBUTION = "my-service"
__version__ = os.environ.get("SERVICE_VERSION") or version(DISTRIBUTION)
