"""Domain logic of my-service.

It is kept free of web and CLI concerns.
"""


def greeting(name: str) -> str:
    """Return the service's greeting for `name`."""
    return f"Hello, {name}!"
