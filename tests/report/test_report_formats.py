"""The report from a store: counts, since-last-run, and each format (json contract, csv, table, html)."""
import csv
import io
import json
import re

import pytest
from rich.console import Console

from clearsight.report.csv_report import render_csv
from clearsight.report.html import render_html
from clearsight.report.model import ReportError, report_from_store
from clearsight.report.table import print_report

from .conftest import ACCOUNT, KMS, PUBLIC, REGION, ev, stored_run


def ids(entries):
    return [(e["rule"], e["resource_id"]) for e in entries]


def test_since_last_run_names_fixed_new_gone_and_newly_non_compliant(two_runs):
    report = report_from_store(two_runs)
    changes = report["since_last_run"]
    assert ids(changes["fixed"]) == [(KMS, "plain")]
    assert ids(changes["newly_non_compliant"]) == [(KMS, "kms")]
    assert ids(changes["new"]) == [(KMS, "brand-new")]
    # the public-access rule could not look this time: its resources are unknown, not gone
    assert ids(changes["gone"]) == [(KMS, "deleted-later")]
    assert changes["fixed"][0]["compliance"] == "COMPLIANT"
    assert report["previous_run"]["id"] == 1 and report["run"]["id"] == 2


def test_counts_summary_and_groupings(two_runs):
    report = report_from_store(two_runs)
    assert report["summary"] == {"COMPLIANT": 1, "NON_COMPLIANT": 2, "NOT_APPLICABLE": 0, "errors": 1}
    assert report["by_rule"] == [
        {"rule": KMS, "COMPLIANT": 1, "NON_COMPLIANT": 2, "NOT_APPLICABLE": 0, "errors": 0},
        {"rule": PUBLIC, "COMPLIANT": 0, "NON_COMPLIANT": 0, "NOT_APPLICABLE": 0, "errors": 1}]
    assert report["by_region"] == [{"region": REGION, "COMPLIANT": 1, "NON_COMPLIANT": 2, "NOT_APPLICABLE": 0, "errors": 1}]
    assert report["by_resource_type"] == [{"resource_type": "AWS::S3::Bucket", "COMPLIANT": 1, "NON_COMPLIANT": 2,
                                           "NOT_APPLICABLE": 0}]
    assert [(t["id"], t["NON_COMPLIANT"], t["errors"]) for t in report["trend"]] == [(1, 2, 0), (2, 2, 1)]


def test_json_contract_keys_and_evaluation_shape(two_runs):
    report = json.loads(json.dumps(report_from_store(two_runs)))
    assert {"run", "previous_run", "summary", "by_rule", "evaluations", "errors", "since_last_run"} <= set(report)
    assert set(report["run"]) == {"id", "started", "finished", "complete", "accounts", "regions", "rules", "version"}
    assert set(report["evaluations"][0]) == {"rule", "resource_type", "resource_id", "compliance", "annotation",
                                             "account", "region"}
    assert set(report["since_last_run"]) == {"newly_non_compliant", "fixed", "new", "gone"}


def test_default_is_the_latest_complete_run_and_an_incomplete_one_is_asked_for(two_runs):
    killed = stored_run(two_runs, [ev(KMS, "plain", "NON_COMPLIANT")], finish=False)
    assert report_from_store(two_runs)["run"]["id"] == 2
    partial = report_from_store(two_runs, killed)
    assert partial["run"]["complete"] is False and partial["previous_run"]["id"] == 2
    assert [t["id"] for t in partial["trend"]] == [1, 2, killed]


def test_no_complete_run_and_unknown_run_say_what_to_do(store):
    with pytest.raises(ReportError, match="no complete run; run `clearsight scan` first"):
        report_from_store(store)
    stored_run(store, [], finish=False)
    with pytest.raises(ReportError, match="run 1 is incomplete .*pass --run 1"):
        report_from_store(store)
    with pytest.raises(ReportError, match=r"no run 7 \(runs stored: 1\)"):
        report_from_store(store, 7)


def test_csv_has_a_row_per_evaluation_and_error_with_its_change(two_runs):
    rows = list(csv.DictReader(io.StringIO(render_csv(report_from_store(two_runs)))))
    assert [(r["resource_id"], r["compliance"], r["since_last_run"]) for r in rows] == [
        ("brand-new", "NON_COMPLIANT", "new"), ("kms", "NON_COMPLIANT", "newly_non_compliant"),
        ("plain", "COMPLIANT", "fixed"), ("", "ERROR", "")]
    assert rows[-1]["annotation"] == "AccessDenied: s3:GetBucketPolicy" and rows[0]["run_id"] == "2"


def test_table_reads_at_80_columns(two_runs):
    console = Console(width=80, record=True, file=io.StringIO())
    print_report(console, report_from_store(two_runs))
    text = console.export_text()
    assert max(len(line) for line in text.splitlines()) <= 80
    for expected in ("Run 2 (complete)", "2 NON_COMPLIANT", "1 error(s)", "brand-new", "AES256 <b>bold</b>",
                     "AccessDenied: s3:GetBucketPolicy", "Since run 1", "1 fixed"):
        assert expected in text
    assert re.search(r"\n +Fixed \(1\)\s*\n +S3_BUCKET_KMS_ENCRYPTION\s*\n +plain \(123456789012, us-east-1\)", text)
    assert re.search(r"\n +brand-new \(123456789012, us-east-1\)\s*\n +AES256 <b>bold</b>", text)


def test_html_is_self_contained_and_escapes_what_it_shows(two_runs):
    report = report_from_store(two_runs)
    page = render_html(report)
    assert not re.search(r"""(src|href)\s*=|url\(|@import""", page), "nothing may be fetched at view time"
    assert "<b>bold</b>" not in page and "AES256 &lt;b&gt;bold&lt;/b&gt;" in page
    data = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', page, re.S).group(1)
    assert json.loads(data) == json.loads(json.dumps(report))
    assert page.count('class="run-bar"') == 2 and 'id="summary-NON_COMPLIANT">2<' in page
