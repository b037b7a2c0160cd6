"""Per-resource reads in parallel, bounded, so a sweep waits on the service, not on round trips.

A periodic sweep reads one or more things per resource; one after another, 50,000 buckets at
20 ms a call is a Lambda timeout. botocore clients are thread-safe, so one client serves every
thread. WORKERS matches botocore's default connection pool (max_pool_connections = 10): more
threads would only queue for a connection. Standard library only, so the rule zip stays small.
"""
import contextvars
from concurrent.futures import ThreadPoolExecutor

WORKERS = 10


def read_each(read, items, workers=WORKERS):
    """[read(item) for item in items], up to `workers` at a time, results in the items' order.

    The first failure in the items' order is raised and the reads not yet started are dropped,
    as a loop would stop at it. Each read runs in a copy of the caller's context.
    """
    items = list(items)
    if len(items) < 2 or workers < 2:
        return [read(item) for item in items]
    pool = ThreadPoolExecutor(max_workers=min(workers, len(items)))
    try:
        futures = [pool.submit(contextvars.copy_context().run, read, item) for item in items]
        return [future.result() for future in futures]
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
