"""Index: embeddings, the Chroma store, the BM25 lexical index and the article registry, under one writer lock."""
