"""Language models: one OpenAI-compatible chat adapter and the packaged local model server."""
