"""The HTTP API over an existing index, served by uvicorn on 127.0.0.1 in its own process (for the load test).

    python tests/reliability/serve_api.py DATA_DIR PORT
"""
from __future__ import annotations

import os
import sys


def main(data_dir: str, port: int) -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    import uvicorn

    from rag import Engine, Settings, create_http_app

    engine = Engine(Settings.load(backend="extractive", data_dir=data_dir))
    engine.ask("When did Luong Cuong meet Guterres?")  # load the models before the first client arrives
    uvicorn.run(create_http_app(engine), host="127.0.0.1", port=port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
