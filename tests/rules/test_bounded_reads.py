"""rules/_shared/bounded_reads.py: reads run concurrently, bounded, in order, failures as a loop would."""
import importlib.util
import threading
import time
from pathlib import Path

import pytest

_path = Path(__file__).resolve().parents[2] / "rules" / "_shared" / "bounded_reads.py"
_spec = importlib.util.spec_from_file_location("bounded_reads_under_test", _path)
bounded = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bounded)


class Tracker:
    """Counts the reads in flight at once; each read waits for a peer, so overlap is certain when allowed."""

    def __init__(self):
        self.lock = threading.Lock()
        self.running = self.peak = 0
        self.barrier = threading.Barrier(2, timeout=60)

    def read(self, item):
        with self.lock:
            self.running += 1
            self.peak = max(self.peak, self.running)
        try:
            if item < 2:
                self.barrier.wait()  # the first two reads only finish together: they must overlap
            time.sleep(0.001)
            return item * 10
        finally:
            with self.lock:
                self.running -= 1


def test_results_keep_the_items_order_and_reads_overlap_up_to_the_bound():
    tracker = Tracker()
    assert bounded.read_each(tracker.read, range(40), workers=4) == [i * 10 for i in range(40)]
    assert 2 <= tracker.peak <= 4


def test_one_worker_reads_one_after_another():
    seen = []
    assert bounded.read_each(lambda i: seen.append(threading.get_ident()) or i, range(5), workers=1) == list(range(5))
    assert set(seen) == {threading.get_ident()}


def test_the_first_failure_in_order_is_raised_and_later_reads_are_dropped(monkeypatch):
    """Reads after the failing one wait until the pool has cancelled what was queued, so which
    reads started does not depend on how fast the machine is."""
    started, cancelled = [], threading.Event()

    class Pool(bounded.ThreadPoolExecutor):
        def shutdown(self, wait=True, *, cancel_futures=False):
            super().shutdown(wait=False, cancel_futures=cancel_futures)  # queued reads dropped (or not) first
            cancelled.set()
            super().shutdown(wait=wait)

    def read(item):
        started.append(item)
        if item in (3, 7):
            raise ValueError(f"cannot read {item}")
        if item > 3:
            assert cancelled.wait(timeout=60)
        return item

    monkeypatch.setattr(bounded, "ThreadPoolExecutor", Pool)
    with pytest.raises(ValueError, match="cannot read 3"):
        bounded.read_each(read, range(2000), workers=2)
    # 0-3 were read in order; at most the two workers' next reads (4, 5) had started; none after
    assert sorted(started)[:4] == [0, 1, 2, 3] and max(started) <= 5


def test_two_items_are_already_read_at_once():
    tracker = Tracker()  # items 0 and 1 only finish together
    assert bounded.read_each(tracker.read, range(2), workers=2) == [0, 10]


def test_one_item_is_read_in_place_without_a_thread():
    seen = []
    assert bounded.read_each(lambda i: seen.append(threading.get_ident()) or i, [7]) == [7]
    assert seen == [threading.get_ident()]


def test_by_default_ten_reads_run_at_once_as_botocore_pools_ten_connections():
    lock, barrier = threading.Lock(), threading.Barrier(10, timeout=60)
    state = {"running": 0, "peak": 0}

    def read(item):
        with lock:
            state["running"] += 1
            state["peak"] = max(state["peak"], state["running"])
        try:
            if item < 10:
                barrier.wait()  # ten reads must be in flight together
            time.sleep(0.05)
            return item
        finally:
            with lock:
                state["running"] -= 1

    assert bounded.read_each(read, range(30)) == list(range(30))
    assert state["peak"] == 10


def test_reads_in_flight_finish_before_the_failure_is_raised():
    finished = []

    def read(item):
        if item == 0:
            time.sleep(0.05)
            raise ValueError("cannot read 0")
        time.sleep(0.3)
        finished.append(item)
        return item

    with pytest.raises(ValueError, match="cannot read 0"):
        bounded.read_each(read, range(2), workers=2)
    assert finished == [1]
