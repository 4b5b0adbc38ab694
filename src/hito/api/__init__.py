"""The HTTP API (FastAPI): `app.create_api(settings)`; `hito.service.create_app` adds the pages."""
