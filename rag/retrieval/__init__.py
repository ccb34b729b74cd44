"""Retrieval: dates and topics in questions, follow-up rewriting, hybrid search, fusion and reranking."""
