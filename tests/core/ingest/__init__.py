"""Tests of rag.ingest."""
