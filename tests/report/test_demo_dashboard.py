"""`clearsight demo` as the showcase: both scans stored, the dashboard written and where it is said."""
import json
import os
import subprocess
import sys

from clearsight.catalog import load_catalog

from .browser import probe

CLI = [sys.executable, "-m", "clearsight.cli"]


def test_demo_stores_both_scans_and_writes_the_dashboard(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["COLUMNS"] = "80"
    db, dashboard = tmp_path / "demo.db", tmp_path / "out" / "dashboard.html"
    done = subprocess.run(CLI + ["demo", "--db", str(db), "--dashboard", str(dashboard)], capture_output=True,
                          text=True, env=env, timeout=300, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert f"Dashboard: {dashboard}" in done.stdout and f"clearsight report --db {db}" in done.stdout

    report = json.loads(subprocess.run(CLI + ["report", "--db", str(db), "--format", "json"], capture_output=True,
                                       text=True, env=env, timeout=120).stdout)
    assert report["run"]["id"] == 2 and report["previous_run"]["id"] == 1
    catalog = load_catalog()
    left = [e for e in report["evaluations"] if e["compliance"] == "NON_COMPLIANT"]
    # only what no API can fix stays (root MFA): its notify-only document told the owner
    assert all(catalog.document_for(catalog.rule(e["rule"])).notify_only for e in left), left
    assert report["summary"]["NON_COMPLIANT"] == len(left) and report["summary"]["errors"] == 0
    fixed = {(e["rule"], e["resource_id"]) for e in report["since_last_run"]["fixed"]}
    assert ("S3_BUCKET_KMS_ENCRYPTION", "clearsight-demo-sse-s3") in fixed
    assert ("S3_ACCOUNT_PUBLIC_ACCESS_BLOCKED", "123456789012") in fixed

    seen = probe(dashboard)
    assert seen["summary"]["NON_COMPLIANT"] == str(len(left))
    assert seen["status"] == ("NON-COMPLIANT" if left else "COMPLIANT")
    compliant = report["summary"]["COMPLIANT"]
    assert [bar["run"] for bar in seen["bars"]] == ["1", "2"]
    assert seen["bars"][1]["score"] == f"{round(100 * compliant / (compliant + len(left)))}%"
