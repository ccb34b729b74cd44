"""The web app's tests.

pytest imports this package as ``ui`` (``tests/`` is no package), the name of the web app's package, so ``from ui
import render`` looks in this package's ``__path__``: the checkout's ``ui/`` comes first there, so that the tests
import the code beside them and never another checkout's (an editable install's finder answers for what this path
does not hold)."""
from pathlib import Path

__path__.insert(0, str(Path(__file__).resolve().parents[2] / "ui"))  # noqa: F821 (set by the import system)
