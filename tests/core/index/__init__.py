"""Tests of rag.index.news_index."""
