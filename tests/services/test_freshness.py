"""SharedCount: each caller gets a count read after it asked, and callers waiting together share one query."""

from __future__ import annotations

import threading

from verify.services.labels.freshness import SharedCount


def test_a_caller_never_gets_a_count_read_before_it_asked() -> None:
    started, release = threading.Event(), threading.Event()
    reads: list[int] = []

    def read() -> int:
        reads.append(len(reads) + 1)
        if len(reads) == 1:  # the first read is in flight when the second caller arrives
            started.set()
            release.wait(5)
        return len(reads)

    count = SharedCount(read)
    first: list[int] = []
    reader = threading.Thread(target=lambda: first.append(count.value()))
    reader.start()
    started.wait(5)
    late: list[int] = []
    waiter = threading.Thread(target=lambda: late.append(count.value()))
    waiter.start()
    release.set()
    reader.join(5), waiter.join(5)
    assert first == [1] and late == [2]  # the late caller waited for a read that began after it asked


def test_callers_that_arrive_during_one_read_share_the_next() -> None:
    gate, in_flight = threading.Event(), threading.Event()
    calls = 0

    def read() -> int:
        nonlocal calls
        calls += 1
        if calls == 1:
            in_flight.set()
            gate.wait(5)
        return calls

    count = SharedCount(read)
    threads = [threading.Thread(target=count.value)]
    threads[0].start()
    in_flight.wait(5)
    threads += [threading.Thread(target=count.value) for _ in range(20)]
    for thread in threads[1:]:
        thread.start()
    gate.set()
    for thread in threads:
        thread.join(5)
    assert calls <= 3  # 21 callers, not 21 queries: the 20 late ones share one or two reads


def test_a_failed_read_answers_the_last_count_and_waits_a_second() -> None:
    now = [0.0]
    answers: list[object] = [7, RuntimeError("database down"), 9]

    def read() -> int:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer  # type: ignore[return-value]

    count = SharedCount(read, clock=lambda: now[0])
    assert count.value() == 7
    assert count.value() == 7  # the failure: the last count, logged
    assert count.value() == 7 and answers == [9]  # no query for a second
    now[0] = 1.5
    assert count.value() == 9
