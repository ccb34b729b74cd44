"""The eval harness stays readable: no function under evals/ is longer than 120 lines."""
from __future__ import annotations

import ast
from pathlib import Path

EVALS = Path(__file__).resolve().parents[2] / "evals"
MAX_LINES = 120


def test_no_function_in_evals_is_over_120_lines():
    long = []
    for path in sorted(EVALS.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                lines = node.end_lineno - node.lineno + 1
                if lines > MAX_LINES:
                    long.append(f"{path.relative_to(EVALS.parent)}:{node.lineno} {node.name}() has {lines} lines")
    assert long == [], "split these into stages:\n" + "\n".join(long)
