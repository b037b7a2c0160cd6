"""The results store: runs written as they go, read back, migrated, and refused when unusable."""
import sqlite3

import pytest

from clearsight.evaluate import Evaluation, EvaluationError
from clearsight.results import MIGRATIONS, SCHEMA_VERSION, StoreError, open_store

ACCOUNT, REGION = "123456789012", "us-east-1"


def bucket(name, compliance, rule="S3_BUCKET_KMS_ENCRYPTION", region=REGION, annotation=""):
    return Evaluation(rule, "AWS::S3::Bucket", name, compliance, annotation, ACCOUNT, region)


def test_a_run_is_incomplete_until_finished_and_keeps_what_it_committed(tmp_path):
    with open_store(tmp_path / "r.db") as store:
        run_id = store.begin_run([ACCOUNT], [REGION], ["S3_BUCKET_KMS_ENCRYPTION"])
        store.add(run_id, [bucket("a", "NON_COMPLIANT", annotation="AES256")])
        assert store.run(run_id).complete is False and store.run(run_id).finished is None
        assert store.latest_complete() is None
        store.finish_run(run_id)
        run = store.run(run_id)
    assert run.complete and run.finished >= run.started
    assert (run.accounts, run.regions, run.rules) == ([ACCOUNT], [REGION], ["S3_BUCKET_KMS_ENCRYPTION"])
    with open_store(tmp_path / "r.db", create=False) as store:  # another process reading it later
        assert store.evaluations(run_id) == [bucket("a", "NON_COMPLIANT", annotation="AES256")]
        assert store.latest_complete() == run


def test_errors_are_stored_apart_from_evaluations(tmp_path):
    with open_store(tmp_path / "r.db") as store:
        run_id = store.begin_run([ACCOUNT], [REGION], ["R"])
        store.add(run_id, errors=[EvaluationError("R", ACCOUNT, REGION, "AccessDenied: s3:ListAllMyBuckets")])
        store.finish_run(run_id)
        assert store.evaluations(run_id) == []
        assert store.errors(run_id) == [EvaluationError("R", ACCOUNT, REGION, "AccessDenied: s3:ListAllMyBuckets")]
        assert store.counts(run_id) == {"errors": 1}


def test_previous_run_is_the_last_complete_one_of_the_same_scope(tmp_path):
    with open_store(tmp_path / "r.db") as store:
        def run(regions, rules, finish=True):
            run_id = store.begin_run([ACCOUNT], regions, rules)
            if finish:
                store.finish_run(run_id)
            return store.run(run_id)

        first = run([REGION, "eu-west-1"], ["B", "A"])
        run([REGION], ["A", "B"])                       # another scope: one region only
        run(["eu-west-1", REGION], ["A", "B"], finish=False)  # same scope, never finished
        last = run(["eu-west-1", REGION], ["A", "B"])   # same scope, listed in another order
        assert store.previous(last) == first
        assert [r.id for r in store.history(last)] == [first.id, last.id]
        assert store.previous(first) is None


def test_a_version_1_store_is_migrated_and_keeps_its_runs(tmp_path):
    path = tmp_path / "old.db"
    db = sqlite3.connect(path)
    db.executescript(MIGRATIONS[0][0])
    db.execute("INSERT INTO runs (started, finished, complete, accounts, regions, rules, version) VALUES "
               "('2026-01-01T00:00:00+00:00', '2026-01-01T00:01:00+00:00', 1, ?, ?, ?, '0.0.9')",
               (f'["{ACCOUNT}"]', f'["{REGION}"]', '["A"]'))
    db.execute(f"INSERT INTO evaluations VALUES (1, 'A', 'AWS::S3::Bucket', 'a', 'COMPLIANT', '', '{ACCOUNT}', '{REGION}')")
    db.execute("PRAGMA user_version = 1")
    db.commit()
    db.close()
    with open_store(path) as store:
        old = store.run(1)
        assert old.version == "0.0.9" and store.evaluations(1) == [bucket("a", "COMPLIANT", rule="A")]
        new = store.run(store.begin_run([ACCOUNT], [REGION], ["A"]))
        assert store.previous(new) == old  # the backfilled scope matches a new run's
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_a_store_from_a_newer_clearsight_is_refused_untouched(tmp_path):
    path = tmp_path / "future.db"
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(StoreError, match=rf"future.db: .*version {SCHEMA_VERSION + 1} is newer"):
        open_store(path)


def test_a_file_that_is_not_a_store_is_named_in_the_error(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a database\n" * 100)
    with pytest.raises(StoreError, match="notes.db: not a usable results store"):
        open_store(path)
    assert path.read_text().startswith("these are my notes")


def test_reading_a_missing_store_says_to_scan_first(tmp_path):
    with pytest.raises(StoreError, match="no results store there; run `clearsight scan` first"):
        open_store(tmp_path / "missing.db", create=False)
    assert not (tmp_path / "missing.db").exists()


def test_an_unwritable_place_is_named(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(StoreError, match="cannot create the results store"):
        open_store(blocker / "sub" / "r.db")


def test_a_store_locked_by_another_writer_is_named_not_a_traceback(tmp_path):
    path = tmp_path / "r.db"
    open_store(path).close()
    holder = sqlite3.connect(path)
    holder.execute("BEGIN IMMEDIATE")  # another process is writing and does not let go
    store = open_store(path, timeout=0.05)
    with pytest.raises(StoreError, match=r"r.db: cannot write to the results store \(database is locked\)"):
        store.begin_run([ACCOUNT], [REGION], ["R"])
    holder.rollback()
    assert store.runs() == []
