"""The HTTP API (FastAPI): a thin edge over the library; OpenAPI at /openapi.json, docs at /docs."""
