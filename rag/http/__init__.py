"""The HTTP API (FastAPI): an OpenAI-compatible chat endpoint and a JSON API over the Engine."""
