"""The ASGI entry point for uvicorn and other servers: `finder.web.asgi:app`."""

from finder.web.app import create_app

app = create_app()
