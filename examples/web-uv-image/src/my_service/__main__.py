"""Serve my-service with uvicorn.

Run it as either of:

    my-service
    python -m my_service

HOST and PORT come from the environment; the image sets HOST=0.0.0.0.
"""

import os

import uvicorn


def main() -> None:
    """Run the API until SIGTERM or Ctrl-C; uvicorn shuts down gracefully on both."""
    uvicorn.run(
        "my_service.app:app",
        host=os.environ.get("HOST", "127.0.0.1"),
        port=int(os.environ.get("PORT", "8000")),
        proxy_headers=True,
    )


if __name__ == "__main__":
    main()
