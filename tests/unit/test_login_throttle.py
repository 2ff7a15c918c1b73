"""The throttling schedule of failed logins (a clock the test moves), and the Host header's name."""

from __future__ import annotations

import pytest

from api.security import Throttle, host_name

KEY = (("user", "alice"), ("address", "192.0.2.1"))


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_five_failures_then_waits_doubling_from_2_to_60_seconds():
    clock = Clock()
    throttle = Throttle(clock=clock)
    for _ in range(4):
        throttle.failed(KEY)
        assert throttle.wait(KEY) == 0
    waits = []
    for _ in range(8):
        throttle.failed(KEY)
        waits.append(throttle.wait(KEY))
        clock.now += waits[-1]  # the next attempt comes as soon as it is allowed, and fails
        assert throttle.wait(KEY) == 0
    assert waits == [2, 4, 8, 16, 32, 60, 60, 60]


def test_failures_older_than_15_minutes_do_not_count():
    clock = Clock()
    throttle = Throttle(clock=clock)
    for _ in range(4):
        throttle.failed(KEY)
    clock.now += 15 * 60
    throttle.failed(KEY)
    assert throttle.wait(KEY) == 0


def test_a_success_clears_and_keys_are_independent():
    clock = Clock()
    throttle = Throttle(clock=clock)
    for _ in range(5):
        throttle.failed(KEY)
    assert throttle.wait(KEY) == 2
    assert throttle.wait([("user", "bob"), ("address", "192.0.2.2")]) == 0
    assert throttle.wait([("address", "192.0.2.1")]) == 2  # the address alone is throttled too
    throttle.succeeded(KEY)
    assert throttle.wait(KEY) == 0


def test_memory_is_bounded():
    throttle = Throttle(clock=Clock(), max_keys=100)
    for i in range(1000):
        throttle.failed([("user", f"u{i}")])
    assert len(throttle._failures) == 100


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ("127.0.0.1:7860", "127.0.0.1"),
        ("[::1]:7860", "::1"),
        ("[::1]", "::1"),
        ("LocalHost.", "localhost"),
        ("::1", "::1"),
        ("", ""),
    ],
)
def test_host_name_drops_the_port(header, name):
    assert host_name(header) == name
