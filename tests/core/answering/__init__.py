"""Tests of rag.answering."""
