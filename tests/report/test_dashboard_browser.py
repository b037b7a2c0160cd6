"""The HTML dashboard in a real browser (headless Chromium, network off): numbers, chart, filters."""
from clearsight.report.html import render_html
from clearsight.report.model import report_from_store

from .browser import probe, screenshot


def test_dashboard_renders_summary_trend_and_filters(two_runs, tmp_path):
    report = report_from_store(two_runs)
    page = tmp_path / "dashboard.html"
    page.write_text(render_html(report))

    seen = probe(page)

    assert seen["summary"] == {"COMPLIANT": "1", "NON_COMPLIANT": "2", "NOT_APPLICABLE": "0", "errors": "1"}
    assert seen["status"] == "NON-COMPLIANT" and seen["score"] == "33%"
    assert [bar["run"] for bar in seen["bars"]] == ["1", "2"]
    assert [bar["score"] for bar in seen["bars"]] == ["60%", "33%"]
    # each run's bar has one segment per non-zero count, drawn in proportion to it
    for bar, point in zip(seen["bars"], report["trend"]):
        heights = {s["series"]: s["height"] for s in bar["segments"]}
        assert set(heights) == {name for name in ("COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE", "errors") if point[name]}
        unit = heights["NON_COMPLIANT"] / point["NON_COMPLIANT"]
        assert unit > 5 and all(abs(h - point[name] * unit) < 1.5 for name, h in heights.items())
    assert seen["rows"] == 4  # 3 evaluations and 1 error
    assert seen["filtered"]["compliance"]["NON_COMPLIANT"] == {"shown": "2", "visible": 2}
    assert seen["filtered"]["compliance"]["ERROR"] == {"shown": "1", "visible": 1}
    assert seen["filtered"]["rule"]["S3_BUCKET_PUBLIC_ACCESS_PROHIBITED"] == {"shown": "1", "visible": 1}
    assert seen["filtered"]["region"]["all"] == {"shown": "4", "visible": 4}
    screenshot(page, "dashboard-two-runs.png")
