"""The code stays readable: no function in rag/, ui/ or evals/ over 120 lines, no module in rag/ or ui/ over 500."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MAX_FUNCTION_LINES = 120
MAX_MODULE_LINES = 500


def _sources(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def long_functions(package: str) -> list[str]:
    """``path:line name() has N lines`` for every function of ``package`` over the limit."""
    found = []
    for path in _sources(package):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                lines = node.end_lineno - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}() has {lines} lines")
    return found


def long_modules(package: str) -> list[str]:
    """``path has N lines`` for every module of ``package`` over the limit."""
    found = []
    for path in _sources(package):
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_MODULE_LINES:
            found.append(f"{path.relative_to(ROOT)} has {lines} lines")
    return found


@pytest.mark.parametrize("package", ["rag", "evals", "ui"])
def test_no_function_is_over_120_lines(package):
    assert long_functions(package) == [], "split these into smaller functions"


@pytest.mark.parametrize("package", ["rag", "ui"])
def test_no_module_is_over_500_lines(package):
    assert long_modules(package) == [], "split these into modules of one job each"


def test_the_checks_see_long_code(tmp_path, monkeypatch):
    package = tmp_path / "pkg"
    package.mkdir()
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_FUNCTION_LINES))
    (package / "big.py").write_text(f"def big():\n{body}\n" + "\n" * MAX_MODULE_LINES, encoding="utf-8")
    monkeypatch.setitem(globals(), "ROOT", tmp_path)
    assert long_functions("pkg") == [f"pkg/big.py:1 big() has {MAX_FUNCTION_LINES + 1} lines"]
    assert long_modules("pkg") == [f"pkg/big.py has {MAX_FUNCTION_LINES + 1 + MAX_MODULE_LINES} lines"]
