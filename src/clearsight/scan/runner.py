"""Run a scan plan with a bounded pool: each job is one rule's periodic path in one account and region."""
from __future__ import annotations

import contextvars
import threading
from concurrent.futures import ThreadPoolExecutor, as_completed

from ..evaluate import EvaluationError, ScanResult, _evaluate_unless_stopped
from .accounts import Target
from .plan import Job, plan
from .progress import NoProgress

ALL = "*"  # an error that concerns every rule (or region) of an account


def _run(job: Job, session, stop, unloadable: dict) -> ScanResult:
    if job.rule.name in unloadable:
        return ScanResult(errors=[EvaluationError(job.rule.name, job.account, job.region, unloadable[job.rule.name])])
    if not job.rule.periodic:
        message = "rule has no periodic trigger (SourcePeriodic); scan runs the periodic path"
        return ScanResult(errors=[EvaluationError(job.rule.name, job.account, job.region, message)])
    return contextvars.copy_context().run(
        _evaluate_unless_stopped, stop, job.rule, session, job.region, job.account, job.parameters)


def run_jobs(jobs: list[Job], sessions: dict, workers: int, progress=None, on_result=None) -> ScanResult:
    """At most `workers` rule runs at a time; results sorted by account, rule, region, resource.

    on_result(ScanResult) is called, in the calling thread, with each job's results as they come
    in (the results store writes them so).

    KeyboardInterrupt cancels the jobs not started, stops the running ones at their next API
    call, and propagates.
    """
    progress = progress or NoProgress()
    unloadable = {}
    for rule in {job.rule.name: job.rule for job in jobs}.values():
        try:
            rule.load_module()  # import once, before threads race to do it
        except Exception as error:  # one broken rule file must not stop the others
            unloadable[rule.name] = f"cannot import {rule.module_path}: {type(error).__name__}: {error}"
    result = ScanResult()
    stop = threading.Event()
    progress.start(jobs)
    pool = ThreadPoolExecutor(max_workers=max(1, min(workers, len(jobs) or 1)))
    try:
        futures = {pool.submit(_run, job, sessions[job.account], stop, unloadable): job for job in jobs}
        for future in as_completed(futures):
            part = future.result()
            progress.advance(futures[future], part)
            result.extend(part)
            if on_result:
                on_result(part)
    except BaseException:
        stop.set()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    finally:
        progress.stop()
    pool.shutdown()
    result.evaluations.sort(key=lambda e: (e.account, e.rule, e.region, e.resource_id))
    result.errors.sort(key=lambda e: (e.account, e.rule, e.region))
    return result


def scan_targets(rules, targets: list[Target], regions: list[str], overrides=None, workers=4, progress=None,
                 on_result=None) -> ScanResult:
    """Every rule x region of every reachable account; an unreachable account is one error entry."""
    reachable = [t for t in targets if t.error is None]
    jobs = plan(rules, [t.account for t in reachable], regions, overrides)
    unreachable = ScanResult(errors=[EvaluationError(ALL, t.account, ALL, t.error) for t in targets if t.error])
    if on_result and unreachable.errors:
        on_result(unreachable)
    result = run_jobs(jobs, {t.account: t.session for t in reachable}, workers, progress, on_result)
    result.errors[:0] = unreachable.errors
    return result
