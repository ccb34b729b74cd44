"""Tests of rag.retrieval."""
