"""Scans stored as runs, as users run them: subprocesses against a loopback moto account."""
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

from clearsight.results import open_store
from clearsight.sandbox import seed_estate

from .browser import probe, screenshot

CLI = [sys.executable, "-m", "clearsight.cli"]


def clearsight(*args):
    return subprocess.run(CLI + list(args), capture_output=True, text=True, env=dict(os.environ, COLUMNS="200"),
                          timeout=180)


def test_two_scans_with_a_remediation_between_show_the_fix_and_the_trend(server, results_db, tmp_path):
    seeded = seed_estate(server.session)
    target = next(s for s in seeded if s.rule == "S3_BUCKET_KMS_ENCRYPTION" and s.expected == "NON_COMPLIANT")
    first = clearsight("scan", "--format", "json")
    assert first.returncode == 0, first.stderr
    assert f"stored as run 1 in {results_db}" in first.stderr
    assert json.loads(first.stdout)["evaluations"], "stdout stays the scan's JSON"

    fix = clearsight("remediate", target.rule, "--resource-id", target.resource_id,
                     *(f"--parameter={key}={value}" for key, value in target.remediation_parameters.items()))
    assert fix.returncode == 0, fix.stdout + fix.stderr
    assert clearsight("scan", "--format", "json").returncode == 0

    done = clearsight("report", "--format", "json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["run"]["id"] == 2 and report["previous_run"]["id"] == 1
    assert [(e["rule"], e["resource_id"], e["compliance"]) for e in report["since_last_run"]["fixed"]] == [
        (target.rule, target.resource_id, "COMPLIANT")]
    assert report["since_last_run"]["newly_non_compliant"] == [] and report["since_last_run"]["gone"] == []

    page = tmp_path / "dashboard.html"
    assert clearsight("report", "--format", "html", "--out", str(page)).returncode == 0
    seen = probe(page)
    assert seen["summary"] == {name: str(count) for name, count in report["summary"].items()}
    assert [bar["run"] for bar in seen["bars"]] == ["1", "2"] and all(bar["height"] > 20 for bar in seen["bars"])
    non_compliant = [next(s["height"] for s in bar["segments"] if s["series"] == "NON_COMPLIANT") for bar in seen["bars"]]
    assert non_compliant[1] < non_compliant[0], "the chart shows one finding fewer after the fix"
    screenshot(page, "dashboard-after-remediation.png")


def test_no_store_leaves_the_store_alone(server, results_db):
    seed_estate(server.session)
    done = clearsight("scan", "--rules", "S3_BUCKET_KMS_ENCRYPTION", "--no-store")
    assert done.returncode == 0 and "stored" not in done.stderr
    assert not results_db.exists()


def test_an_unusable_store_is_a_usage_error_before_scanning(tmp_path):
    bad = tmp_path / "notes.db"
    bad.write_text("not a database\n" * 100)
    done = clearsight("scan", "--db", str(bad))
    assert done.returncode == 2 and f"{bad}: not a usable results store" in done.stderr


def test_a_scan_killed_midway_leaves_earlier_runs_intact_and_itself_incomplete(server, results_db):
    s3 = server.session.client("s3")
    for n in range(5):
        s3.create_bucket(Bucket=f"small-{n}")
    assert clearsight("scan", "--rules", "S3_BUCKET_KMS_ENCRYPTION").returncode == 0
    with open_store(results_db) as store:
        before = store.evaluations(1)
    for n in range(300):  # enough that the next scan is still running when it is killed
        s3.create_bucket(Bucket=f"many-{n:03d}")
    regions = ["us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-central-1"]
    scan = subprocess.Popen(CLI + ["scan", *(f"--region={r}" for r in regions)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and scan.poll() is None:
            rows = sqlite3.connect(results_db, timeout=30).execute("SELECT COUNT(*) FROM evaluations WHERE run_id = 2").fetchone()
            if rows[0]:
                break
            time.sleep(0.05)
        assert scan.poll() is None, "the scan ended before it could be killed midway; seed more"
        scan.send_signal(signal.SIGKILL)
        scan.wait(timeout=30)
    finally:
        if scan.poll() is None:
            scan.kill()
    with open_store(results_db) as store:
        killed = store.run(2)
        assert killed.complete is False and killed.finished is None
        assert store.evaluations(2), "what it had committed is kept"
        assert store.run(1).complete and store.evaluations(1) == before
    done = clearsight("report", "--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["run"]["id"] == 1
    assert json.loads(clearsight("report", "--run", "2", "--format", "json").stdout)["run"]["complete"] is False
