"""`clearsight report` as users run it: a subprocess reading a results store."""
import csv
import io
import json
import os
import subprocess
import sys

import pytest

from .conftest import KMS, ev, stored_run

CLI = [sys.executable, "-m", "clearsight.cli"]


def clearsight(*args, columns="200"):
    env = dict(os.environ, COLUMNS=columns)
    return subprocess.run(CLI + list(args), capture_output=True, text=True, env=env, timeout=120)


@pytest.fixture
def db(two_runs):
    return str(two_runs.path)


def test_json_report_of_the_latest_complete_run(db):
    done = clearsight("report", "--db", db, "--format", "json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["run"]["id"] == 2 and report["previous_run"]["id"] == 1
    assert [e["resource_id"] for e in report["since_last_run"]["fixed"]] == ["plain"]


def test_report_of_a_chosen_run_has_no_previous(db):
    report = json.loads(clearsight("report", "--db", db, "--run", "1", "--format", "json").stdout)
    assert report["run"]["id"] == 1 and report["previous_run"] is None
    assert report["since_last_run"] == {"newly_non_compliant": [], "fixed": [], "new": [], "gone": []}


def test_table_at_80_columns(db):
    done = clearsight("report", "--db", db, columns="80")
    assert done.returncode == 0, done.stderr
    assert max(len(line) for line in done.stdout.splitlines()) <= 80
    assert "Non-compliant resources (2)" in done.stdout and "Since run 1" in done.stdout


def test_out_writes_the_file_and_keeps_stdout_empty(db, tmp_path):
    for output, name in (("html", "dash/board.html"), ("csv", "r.csv"), ("table", "r.txt")):
        target = tmp_path / name
        done = clearsight("report", "--db", db, "--format", output, "--out", str(target))
        assert done.returncode == 0, done.stderr
        assert done.stdout == "" and f"wrote {target}" in done.stderr
    assert "<svg" in (tmp_path / "dash/board.html").read_text()
    assert len(list(csv.DictReader(io.StringIO((tmp_path / "r.csv").read_text())))) == 4
    assert "Run 2 (complete)" in (tmp_path / "r.txt").read_text()


def test_no_complete_run_exits_1_and_says_which_run_to_ask_for(store):
    stored_run(store, [ev(KMS, "plain", "NON_COMPLIANT")], finish=False)
    done = clearsight("report", "--db", str(store.path))
    assert done.returncode == 1 and "run 1 is incomplete" in done.stderr and done.stdout == ""
    partial = json.loads(clearsight("report", "--db", str(store.path), "--run", "1", "--format", "json").stdout)
    assert partial["run"]["complete"] is False and partial["summary"]["NON_COMPLIANT"] == 1


@pytest.mark.parametrize("args, message", [
    (["--db", "{tmp}/missing.db"], "no results store there"),
    (["--db", "{db}", "--run", "42"], "no run 42 (runs stored: 1, 2)"),
    (["--db", "{db}", "--run", "0"], "--run"),
    (["--db", "{db}", "--format", "pdf"], "--format"),
    (["--aggregator", "org"], "add --from-config"),
    (["--from-config", "--run", "1"], "give one of them"),
])
def test_usage_errors_exit_2(db, tmp_path, args, message):
    done = clearsight("report", *(a.format(db=db, tmp=tmp_path) for a in args))
    assert done.returncode == 2 and message in done.stderr and done.stdout == ""


def test_from_config_against_an_endpoint_without_config_is_reported(monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # nothing listens
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    done = clearsight("report", "--from-config", "--format", "json")
    assert done.returncode == 1 and "cannot read AWS Config" in done.stderr and done.stdout == ""
