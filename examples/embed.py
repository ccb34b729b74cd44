"""Embed the engine in a program: index the seed articles, ask, print the answer and its sources.

    .venv/bin/python examples/embed.py ["your question"]      (index in RAG_DATA_DIR, default ./.rag)
"""
import sys
from pathlib import Path

from rag import Engine, Settings

engine = Engine(Settings.load(backend="extractive"))  # "local", "openai-compatible" … for generated answers
print(engine.ingest([Path(__file__).resolve().parents[1] / "seeds"]).summary())  # re-running is a no-op
answer = engine.ask(sys.argv[1] if len(sys.argv) > 1 else "When did Luong Cuong meet Guterres?")
print(answer.text)
for c in answer.citations:  # [n] in the text -> the exact passage (c.start:c.end of engine.article(c.doc_id)[0])
    print(f"[{c.number}] {c.title} ({c.date or 'undated'}) {c.source_url or c.doc_id}\n    \"{c.quote}\"")
