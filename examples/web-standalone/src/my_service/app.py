"""The HTTP API of my-service."""

from fastapi import FastAPI

from my_service import __version__
from my_service.greetings import greeting

app = FastAPI(title="my-service", version=__version__)


@app.get("/health")
def health() -> dict[str, str]:
    """Liveness probe used by the image's HEALTHCHECK and by orchestrators."""
    return {"status": "ok"}


@app.get("/")
def hello(name: str = "world") -> dict[str, str]:
    """Greet the caller."""
    return {"message": greeting(name), "version": __version__}
