"""Domain logic of my-service."""


def greeting(name: str) -> str:
    """Return the service's greeting for `name`."""
    return f"Hello, {name}!"
