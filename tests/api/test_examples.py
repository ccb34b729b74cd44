"""The scripts in examples/ run as documented."""
from __future__ import annotations

import os
import subprocess
import sys

from rag import create_http_app

from .conftest import GUTERRES_DOC, ROOT, serve


def _run(script: str, env: dict[str, str]) -> str:
    done = subprocess.run([sys.executable, str(ROOT / "examples" / script)], capture_output=True, text=True,
                          timeout=300, cwd=ROOT, env={**os.environ, "HF_HUB_OFFLINE": "1", **env})
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_embed_example(tmp_path):
    out = _run("embed.py", {"RAG_DATA_DIR": str(tmp_path / "index")})
    assert "5 added" in out and "[1]" in out and "September 22" in out and '"' in out


def test_openai_client_example(engine):
    app = create_http_app(engine, engine.settings.model_copy(update={"api_key": "example-key"}))
    with serve(app) as live:
        out = _run("openai_client.py", {"RAG_URL": live.url, "RAG_API_KEY": "example-key",
                                        "NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1"})
    assert "(extractive)" in out and "[1]" in out and f"[1] {GUTERRES_DOC}" in out
