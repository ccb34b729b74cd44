"""The bound on refused logins (rag.http.throttle.FailedLogins): a sliding window per client address, bounded
memory. The live app's lockout is tested in tests/reliability/test_auth.py."""
from __future__ import annotations

from rag.http.throttle import FailedLogins


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_client_is_locked_after_the_limit_until_its_oldest_failure_leaves_the_window():
    clock = Clock()
    failures = FailedLogins(3, 60.0, clock=clock)
    for step in range(3):
        assert failures.retry_after("10.0.0.1") == 0.0
        failures.refused("10.0.0.1")
        clock.now += 10
    assert failures.retry_after("10.0.0.1") == 30.0  # first failure at 1000, window 60, now 1030
    assert failures.retry_after("10.0.0.2") == 0.0  # other addresses are not affected
    clock.now += 30
    assert failures.retry_after("10.0.0.1") == 0.0  # the first failure left the window: one more try
    failures.refused("10.0.0.1")
    assert failures.retry_after("10.0.0.1") == 10.0  # the second failure (1010) is now the oldest


def test_failures_outside_the_window_are_forgotten():
    clock = Clock()
    failures = FailedLogins(2, 5.0, clock=clock)
    failures.refused("a")
    clock.now += 6
    failures.refused("a")
    assert failures.retry_after("a") == 0.0


def test_memory_is_bounded_by_forgetting_the_least_recently_refused_clients():
    clock = Clock()
    failures = FailedLogins(1, 60.0, max_clients=2, clock=clock)
    for client in ("a", "b", "c"):
        failures.refused(client)
    assert failures.retry_after("a") == 0.0  # forgotten
    assert failures.retry_after("b") == 60.0 and failures.retry_after("c") == 60.0
