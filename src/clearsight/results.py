"""The results store: every scan is a run, with its evaluations and errors, in SQLite.

A run is written when it starts (incomplete), each batch of results is committed as it
arrives, and the run is marked complete at the end. SQLite's journal makes each commit
atomic, so a scan killed at any point leaves earlier runs intact and its own run incomplete,
holding what it had committed. The schema is versioned (PRAGMA user_version) and migrated
forward on open; a store written by a newer clearsight is refused, not altered.
"""
from __future__ import annotations

import json
import sqlite3
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

from . import __version__
from .evaluate import Evaluation, EvaluationError, account_of

DEFAULT_PATH = Path(".clearsight") / "results.db"


def _scope(accounts, regions, rules) -> str:
    return json.dumps([sorted(accounts), sorted(regions), sorted(rules)])


def _backfill_scope(connection):
    rows = connection.execute("SELECT id, accounts, regions, rules FROM runs").fetchall()
    for run_id, *columns in rows:
        connection.execute("UPDATE runs SET scope = ? WHERE id = ?", (_scope(*map(json.loads, columns)), run_id))


# Each migration (SQL, then an optional backfill) takes the store from version N to N+1;
# never edit one that has shipped.
MIGRATIONS = [
    ("""
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        started TEXT NOT NULL,
        finished TEXT,
        complete INTEGER NOT NULL DEFAULT 0,
        accounts TEXT NOT NULL,
        regions TEXT NOT NULL,
        rules TEXT NOT NULL,
        version TEXT NOT NULL
    );
    CREATE TABLE evaluations (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        rule TEXT NOT NULL,
        resource_type TEXT NOT NULL,
        resource_id TEXT NOT NULL,
        compliance TEXT NOT NULL,
        annotation TEXT NOT NULL,
        account TEXT NOT NULL,
        region TEXT NOT NULL
    );
    CREATE TABLE errors (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        rule TEXT NOT NULL,
        account TEXT NOT NULL,
        region TEXT NOT NULL,
        message TEXT NOT NULL
    );
    """, None),
    # Version 2: "the previous complete run of the same scope" is one indexed lookup.
    (
        """
        ALTER TABLE runs ADD COLUMN scope TEXT NOT NULL DEFAULT '';
        CREATE INDEX runs_by_scope ON runs(scope, complete, id);
        CREATE INDEX evaluations_by_run ON evaluations(run_id);
        CREATE INDEX errors_by_run ON errors(run_id);
        """,
        _backfill_scope,
    ),
]
SCHEMA_VERSION = len(MIGRATIONS)


class StoreError(Exception):
    """The store cannot be used; the message names the file and what to do."""


@dataclass(frozen=True)
class Run:
    id: int
    started: str
    finished: str | None
    complete: bool
    accounts: list[str]
    regions: list[str]
    rules: list[str]
    version: str

    def to_dict(self) -> dict:
        return asdict(self)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _run(row) -> Run:
    run_id, started, finished, complete, accounts, regions, rules, version = row
    return Run(run_id, started, finished, bool(complete), json.loads(accounts), json.loads(regions), json.loads(rules), version)


_RUN_COLUMNS = "id, started, finished, complete, accounts, regions, rules, version"


class ResultsStore:
    """One SQLite file of runs. Open with `open_store`; use as a context manager."""

    def __init__(self, connection: sqlite3.Connection, path: Path):
        self._db = connection
        self.path = path

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        self._db.close()

    # Writing a run -----------------------------------------------------------------------

    @contextmanager
    def _transaction(self):
        """One committed transaction; SQLite's failures (locked, disk full) name the store."""
        try:
            with self._db:
                yield self._db
        except sqlite3.Error as error:
            raise StoreError(f"{self.path}: cannot write to the results store ({error}); "
                             "pass --db with another path, or --no-store") from None

    def begin_run(self, accounts, regions, rules, version: str = __version__) -> int:
        """Record a run as started (incomplete) and return its id."""
        with self._transaction() as db:
            cursor = db.execute(
                "INSERT INTO runs (started, accounts, regions, rules, version, scope) VALUES (?, ?, ?, ?, ?, ?)",
                (_now(), json.dumps(sorted(accounts)), json.dumps(sorted(regions)), json.dumps(sorted(rules)), version,
                 _scope(accounts, regions, rules)),
            )
        return cursor.lastrowid

    def add(self, run_id: int, evaluations=(), errors=()) -> None:
        """Commit one batch of results (one rule in one region) in one transaction."""
        with self._transaction() as db:
            db.executemany(
                "INSERT INTO evaluations VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(run_id, e.rule, e.resource_type, e.resource_id, e.compliance, e.annotation, e.account, e.region)
                 for e in evaluations],
            )
            db.executemany("INSERT INTO errors VALUES (?, ?, ?, ?, ?)",
                           [(run_id, e.rule, e.account, e.region, e.message) for e in errors])

    def finish_run(self, run_id: int) -> None:
        with self._transaction() as db:
            db.execute("UPDATE runs SET finished = ?, complete = 1 WHERE id = ?", (_now(), run_id))

    # Reading -----------------------------------------------------------------------------

    def run(self, run_id: int) -> Run | None:
        row = self._db.execute(f"SELECT {_RUN_COLUMNS} FROM runs WHERE id = ?", (run_id,)).fetchone()
        return _run(row) if row else None

    def runs(self) -> list[Run]:
        return [_run(row) for row in self._db.execute(f"SELECT {_RUN_COLUMNS} FROM runs ORDER BY id")]

    def latest_complete(self) -> Run | None:
        row = self._db.execute(f"SELECT {_RUN_COLUMNS} FROM runs WHERE complete = 1 ORDER BY id DESC LIMIT 1").fetchone()
        return _run(row) if row else None

    def history(self, run: Run) -> list[Run]:
        """Complete runs of the same scope (accounts, regions, rules) up to this one, oldest first."""
        rows = self._db.execute(
            f"SELECT {_RUN_COLUMNS} FROM runs WHERE scope = ? AND complete = 1 AND id <= ? ORDER BY id",
            (_scope(run.accounts, run.regions, run.rules), run.id),
        )
        return [_run(row) for row in rows]

    def previous(self, run: Run) -> Run | None:
        """The last complete run of the same scope before this one."""
        earlier = [r for r in self.history(run) if r.id < run.id]
        return earlier[-1] if earlier else None

    def evaluations(self, run_id: int) -> list[Evaluation]:
        rows = self._db.execute(
            "SELECT rule, resource_type, resource_id, compliance, annotation, account, region FROM evaluations "
            "WHERE run_id = ? ORDER BY rule, account, region, resource_id", (run_id,))
        return [Evaluation(*row) for row in rows]

    def errors(self, run_id: int) -> list[EvaluationError]:
        rows = self._db.execute("SELECT rule, account, region, message FROM errors WHERE run_id = ? "
                                "ORDER BY rule, account, region", (run_id,))
        return [EvaluationError(*row) for row in rows]

    def counts(self, run_id: int) -> dict:
        """{compliance: count, "errors": count} of one run, for trends across many runs."""
        counts = dict(self._db.execute("SELECT compliance, COUNT(*) FROM evaluations WHERE run_id = ? GROUP BY compliance",
                                       (run_id,)).fetchall())
        counts["errors"] = self._db.execute("SELECT COUNT(*) FROM errors WHERE run_id = ?", (run_id,)).fetchone()[0]
        return counts


def _version(connection: sqlite3.Connection, path: Path) -> int:
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise StoreError(f"{path}: results store schema version {version} is newer than this clearsight knows "
                         f"({SCHEMA_VERSION}); upgrade clearsight or use another --db")
    return version


def _migrate(connection: sqlite3.Connection, path: Path) -> None:
    """Apply the missing migrations, each in its own transaction under the write lock."""
    while _version(connection, path) < SCHEMA_VERSION:
        connection.execute("BEGIN IMMEDIATE")  # a concurrent opener waits here, then sees the new version
        try:
            version = _version(connection, path)
            if version < SCHEMA_VERSION:
                script, backfill = MIGRATIONS[version]
                for statement in filter(str.strip, script.split(";")):
                    connection.execute(statement)
                if backfill:
                    backfill(connection)
                connection.execute(f"PRAGMA user_version = {version + 1}")
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise


def open_store(path: str | Path = DEFAULT_PATH, create: bool = True, timeout: float = 30) -> ResultsStore:
    """Open (and create or migrate) the store at path; StoreError says what is wrong with it.

    timeout: seconds to wait while another process (a scan running alongside) holds the write lock.
    """
    path = Path(path)
    if not create and not path.is_file():
        raise StoreError(f"{path}: no results store there; run `clearsight scan` first or pass --db PATH")
    try:
        if create:
            path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StoreError(f"{path}: cannot create the results store ({error.strerror}); pass --db with a writable path") from None
    try:
        connection = sqlite3.connect(path, timeout=timeout)
    except sqlite3.Error as error:
        raise StoreError(f"{path}: cannot open the results store ({error}); pass --db with another path") from None
    try:
        connection.execute("PRAGMA foreign_keys = ON")
        _migrate(connection, path)
        # WAL: readers (report) never wait for a scan writing; NORMAL: a commit survives the
        # process being killed (not a power cut), without an fsync per rule x region
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = NORMAL")
    except (sqlite3.Error, StoreError) as error:
        connection.close()
        if isinstance(error, StoreError):
            raise
        raise StoreError(f"{path}: not a usable results store ({error}); pass --db with another path") from None
    return ResultsStore(connection, path)


class Recording:
    """Called with each batch of a scan's results (a ScanResult) as it arrives; stores it."""

    def __init__(self, store: ResultsStore, run_id: int, accounts: list[str]):
        self.store, self.run_id, self.accounts = store, run_id, accounts

    def __call__(self, part) -> None:
        self.store.add(self.run_id, part.evaluations, part.errors)


@contextmanager
def recording(store: ResultsStore, accounts, regions, rules):
    """Store one scan while it runs; the run is marked complete only if the block ends normally
    (an exception, Ctrl-C or a kill leaves it incomplete, with what it had stored)."""
    recorder = Recording(store, store.begin_run(accounts, regions, rules), list(accounts))
    yield recorder
    store.finish_run(recorder.run_id)


def scan_recording(store: ResultsStore, session, regions, rules):
    """recording() of a scan of these rules x regions in the session's account."""
    return recording(store, [account_of(session, regions[0])], regions, [rule.name for rule in rules])
