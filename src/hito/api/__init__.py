"""The HTTP API of the coordination service (FastAPI): `create_app(settings)` builds it."""
