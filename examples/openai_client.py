"""Ask a running `rag serve` (or `rag serve --api-only`) through the official openai client and read the citations.

    RAG_URL=http://127.0.0.1:7860 RAG_API_KEY=... .venv/bin/python examples/openai_client.py ["your question"]
"""
import os
import sys

from openai import OpenAI

client = OpenAI(base_url=os.environ.get("RAG_URL", "http://127.0.0.1:7860").rstrip("/") + "/v1",
                api_key=os.environ.get("RAG_API_KEY") or "not-needed")
messages = [{"role": "user", "content": sys.argv[1] if len(sys.argv) > 1 else "When did Luong Cuong meet Guterres?"}]

# 1. One response: the answer text has [n] markers; the sources are extra fields of the message.
completion = client.chat.completions.create(model="newsrag", messages=messages)
message = completion.choices[0].message
print(f"({completion.model}) {message.content}")
for c in message.model_extra["citations"]:
    print(f"  [{c['number']}] {c['title']} ({c['date']}) {c['source_url'] or c['doc_id']}\n      \"{c['quote']}\"")
if message.model_extra["refused"]:
    print("  (the articles don't hold the answer)")

# 2. Streaming: text as it comes, then the final chunk carries the citations and the verified answer.
final = {}
for chunk in client.chat.completions.create(model="newsrag", messages=messages, stream=True):
    print(chunk.choices[0].delta.content or "", end="", flush=True)
    if chunk.choices[0].finish_reason:
        final = chunk.model_extra
print()
if final.get("text_changed"):  # a generative backend's draft was corrected by verification
    print("Verified answer:", final["answer"]["text"])
print("Sources:", ", ".join(f"[{c['number']}] {c['doc_id']}" for c in final.get("citations", [])))
