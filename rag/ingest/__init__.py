"""Ingest: a news file -> an Article with metadata and content spans -> Chunks with exact offsets."""
