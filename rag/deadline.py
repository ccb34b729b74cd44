"""Wall-clock deadlines: one request's time budget, shared by retrieval, generation, retries and the fallback."""
from __future__ import annotations

import math
import time

__all__ = ["Deadline"]


class Deadline:
    """A point in time by which work must end (``seconds=None``: no limit).

    >>> Deadline(None).remaining()
    inf
    >>> Deadline(10).earlier(4).remaining() <= 6
    True
    """

    def __init__(self, seconds: float | None) -> None:
        self.end = math.inf if seconds is None else time.monotonic() + max(0.0, seconds)

    def remaining(self) -> float:
        """Seconds left (0 once passed, ``inf`` without a limit)."""
        return max(0.0, self.end - time.monotonic())

    def expired(self) -> bool:
        """True once the deadline has passed."""
        return self.remaining() <= 0.0

    def earlier(self, seconds: float) -> "Deadline":
        """A deadline ``seconds`` before this one (time kept back for what must still run after)."""
        other = Deadline(None)
        other.end = self.end - seconds
        return other

    def sooner(self, seconds: float) -> "Deadline":
        """This deadline, or ``seconds`` from now when that comes first."""
        other = Deadline(seconds)
        other.end = min(other.end, self.end)
        return other
