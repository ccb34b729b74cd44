"""The CI quality gate's floors (``evals/floors.json``)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rag import InputError

__all__ = ["FLOORS_FILE", "load_floors", "GATE_SETTINGS", "GATE_K"]

FLOORS_FILE = Path(__file__).with_name("floors.json")
# the gate runs the seeds and topical datasets over a fresh index of seeds/, and the held-out test halves
# (lee_abc:test, newspaper4k:test, vi:test) each over its own corpus, with these settings
GATE_SETTINGS: dict[str, Any] = {"backend": "extractive"}
# k up to 5: the ranking is then the answer's own five context passages (one retrieval per question keeps the gate
# fast); MRR is therefore mrr@5
GATE_K = (1, 3, 5)


def load_floors(path: str | Path = FLOORS_FILE, section: str = "floors") -> dict[str, float]:
    """``{metric: floor}`` from a floors file (keys starting with ``_`` are comments); ``section`` names the set
    ("floors" for the seeds gate, "topical_floors" for the topical questions, "<name>_test_floors" for a held-out
    test half)."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"Floors file {path} does not exist.", hint="Pass --floors evals/floors.json.") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{path} is not valid JSON (line {exc.lineno}).", hint="Fix the floors file.") from None
    floors = data.get(section, data if section == "floors" else None) if isinstance(data, dict) else None
    if floors is None:
        raise InputError(f"{path} has no {section!r} object.", hint=f'Add "{section}": {{"hit@5": 0.9, …}}.')
    if not isinstance(floors, dict):
        raise InputError(f"{path} must hold a JSON object of metric: value.", hint='e.g. {"hit@5": 0.9}')
    out = {}
    for name, value in floors.items():
        if name.startswith("_"):
            continue
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise InputError(f"{path}: floor {name!r} must be a number, got {value!r}.", hint="Use numbers 0..1.")
        out[name] = float(value)
    return out
