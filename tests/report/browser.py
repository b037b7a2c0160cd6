"""Headless Chromium for the dashboard tests: load a file with the network off, read what it drew.

The probe script is appended to a copy of the page; it measures the rendered page (summary
numbers, the chart's bars as laid out, the filters at work) and writes JSON into the DOM,
which Chromium's --dump-dom prints. The test skips, saying why, only when no Chromium exists.
"""
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[2] / ".clearsight" / "test-artifacts"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         # network off: no name resolves and every request goes to a port where nothing listens
         "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=<-loopback>"]

PROBE = """<script>
(function () {
  function text(id) { var n = document.getElementById(id); return n ? n.textContent.trim() : null; }
  function all(selector, root) { return Array.prototype.slice.call((root || document).querySelectorAll(selector)); }
  function visibleRows() { return all("#evaluations tbody tr").filter(function (r) { return r.offsetHeight > 0; }).length; }
  var out = {status: text("status"), score: text("score"), summary: {}, filtered: {}};
  ["COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE", "errors"].forEach(function (c) { out.summary[c] = text("summary-" + c); });
  var chart = document.getElementById("trend-chart").getBoundingClientRect();
  out.chart = {width: chart.width, height: chart.height};
  out.bars = all("#trend-chart .run-bar").map(function (g) {
    return {run: g.getAttribute("data-run"), height: g.getBoundingClientRect().height,
            score: g.querySelector("text.score").textContent,
            segments: all("rect.segment", g).map(function (s) {
              return {series: s.getAttribute("data-series"), height: s.getBoundingClientRect().height}; })};
  });
  out.rows = visibleRows();
  all("select[data-filter]").forEach(function (select) {
    var field = select.getAttribute("data-filter");
    out.filtered[field] = {};
    Array.prototype.slice.call(select.options).forEach(function (option) {
      select.value = option.value;
      select.dispatchEvent(new Event("change"));
      out.filtered[field][option.value || "all"] = {shown: text("shown"), visible: visibleRows()};
    });
    select.value = "";
    select.dispatchEvent(new Event("change"));
  });
  var pre = document.createElement("pre");
  pre.id = "probe";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>"""


def chromium() -> str:
    found = os.environ.get("CLEARSIGHT_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        pytest.skip("no Chromium on this machine: `make test` installs Debian's `chromium` when run as root; "
                    "or set CLEARSIGHT_CHROMIUM to a Chromium binary")
    return found


def _run(args, profile):
    done = subprocess.run([chromium(), *FLAGS, f"--user-data-dir={profile}", *args], capture_output=True, text=True,
                          timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def probe(page: Path) -> dict:
    """Load the page with the probe appended; return what the probe measured."""
    with tempfile.TemporaryDirectory() as work:
        probed = Path(work) / page.name
        probed.write_text(page.read_text().replace("</body>", PROBE + "</body>"))
        dom = _run(["--dump-dom", probed.as_uri()], Path(work) / "profile")
    match = re.search(r'<pre id="probe">(.*?)</pre>', dom, re.S)
    assert match, "the probe did not run: " + dom[-500:]
    return json.loads(match.group(1).replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"))


def screenshot(page: Path, name: str) -> Path:
    """Keep a screenshot of the page in .clearsight/test-artifacts/ (git-ignored)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    out = ARTIFACTS / name
    with tempfile.TemporaryDirectory() as work:
        _run(["--window-size=1200,1600", f"--screenshot={out}", page.as_uri()], Path(work) / "profile")
    assert out.stat().st_size > 10_000, f"{out} is too small to show the dashboard"
    return out
