"""The report as one self-contained HTML dashboard (jinja2 template, inline SVG charts).

Nothing is fetched when it is viewed: styles, the filter script and the report's JSON are
inline, and the charts are SVG drawn here, server-side, so they need no script library and
show with scripts off, in a mail attachment or printed.
"""
from __future__ import annotations

from jinja2 import Environment, PackageLoader

from .model import run_name

SERIES = (("COMPLIANT", "#2e7d32"), ("NON_COMPLIANT", "#c62828"), ("NOT_APPLICABLE", "#9e9e9e"), ("errors", "#ef6c00"))
CHART = {"width": 640, "height": 230, "left": 40, "bottom": 36, "top": 22}

_environment = Environment(loader=PackageLoader("clearsight.report", "templates"), autoescape=True,
                           trim_blocks=True, lstrip_blocks=True)


def trend_chart(trend: list[dict]) -> dict:
    """Stacked bars, one per run: the geometry the template draws as SVG."""
    plot_width = CHART["width"] - CHART["left"] - 8
    plot_height = CHART["height"] - CHART["bottom"] - CHART["top"]
    tallest = max([sum(point[name] for name, _ in SERIES) for point in trend] + [1])
    slot = plot_width / max(len(trend), 1)
    bar_width = min(48.0, slot * 0.7)
    bars = []
    for index, point in enumerate(trend):
        x = CHART["left"] + index * slot + (slot - bar_width) / 2
        y = CHART["top"] + plot_height
        segments = []
        for name, colour in SERIES:
            height = point[name] / tallest * plot_height
            y -= height
            if point[name]:
                segments.append({"series": name, "colour": colour, "y": round(y, 1), "height": round(height, 1),
                                 "count": point[name]})
        judged = point["COMPLIANT"] + point["NON_COMPLIANT"]
        bars.append({"run": point["id"], "started": point["started"], "x": round(x, 1), "width": round(bar_width, 1),
                     "segments": segments, "label_x": round(x + bar_width / 2, 1), "top": round(y, 1),
                     "label": f"#{point['id']}" if point["id"] is not None else "now",
                     "score": f"{round(100 * point['COMPLIANT'] / judged)}%" if judged else ""})
    return dict(CHART, bars=bars, tallest=tallest, baseline=CHART["top"] + plot_height, series=SERIES)


def _status(summary: dict) -> tuple[str, str]:
    if summary["NON_COMPLIANT"]:
        return "NON-COMPLIANT", "bad"
    if summary["errors"]:
        return "INCOMPLETE: RULES COULD NOT LOOK", "warn"
    if summary["COMPLIANT"]:
        return "COMPLIANT", "good"
    return "NOTHING EVALUATED", "warn"


def render_html(report: dict) -> str:
    summary = report["summary"]
    judged = summary["COMPLIANT"] + summary["NON_COMPLIANT"]
    score = round(100 * summary["COMPLIANT"] / judged) if judged else None
    status, tone = _status(summary)
    worst = max([row["NON_COMPLIANT"] for row in report["by_rule"] + report["by_account"]] + [1])
    return _environment.get_template("dashboard.html.j2").render(
        report=report, run_name=run_name(report["run"]), summary=summary, score=score, status=status, tone=tone, chart=trend_chart(report["trend"]),
        worst=worst, non_compliant=[e for e in report["evaluations"] if e["compliance"] == "NON_COMPLIANT"],
        filters={field: sorted({e[field] for e in report["evaluations"] + report["errors"]})
                 for field in ("rule", "account", "region")},
    )
