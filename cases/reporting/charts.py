"""One chart builder (reportlab graphics): inline SVG on the report page, drawings in its PDF."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from django.core.cache import cache
from reportlab.graphics import renderSVG
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors

from cases.reporting.annual import DAY_BINS, MONTHS, REPORT_CACHE_SECONDS, AnnualReport, bin_label

CHART_COLOR = colors.HexColor("#005ea2")


def _bar_chart(title: str, labels: list[str], values: list[int]) -> Chart:
    drawing = Drawing(460, 220)
    drawing.add(
        String(230, 204, title, fontName="Helvetica-Bold", fontSize=11, textAnchor="middle")
    )
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 45, 40, 395, 150
    chart.data = [values]
    chart.bars[0].fillColor = CHART_COLOR
    chart.bars[0].strokeColor = None
    chart.categoryAxis.categoryNames = labels
    chart.categoryAxis.labels.fontName = "Helvetica"
    chart.categoryAxis.labels.fontSize = 8
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = max(4, max(values, default=0) + 1)
    chart.valueAxis.valueStep = max(1, math.ceil(chart.valueAxis.valueMax / 5))
    chart.valueAxis.labels.fontName = "Helvetica"
    chart.valueAxis.labels.fontSize = 8
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName = "Helvetica"
    chart.barLabels.fontSize = 8
    chart.barLabels.nudge = 6
    drawing.add(chart)
    return Chart(title, drawing)


@dataclass(frozen=True)
class Chart:
    title: str
    drawing: Drawing


def charts(report: AnnualReport) -> list[Chart]:
    return [
        _bar_chart(f"Requests received per month, {report.year}", MONTHS, report.per_month),
        _bar_chart(
            "Days from receipt to answer",
            [bin_label(b) for b in DAY_BINS],
            report.day_bins,
        ),
        _bar_chart(
            "Outcomes",
            ["Signed", "Denied", "Withdrawn", "Pending"],
            [report.signed, report.denied, report.withdrawn, report.pending],
        ),
    ]


def chart_svg(chart: Chart, *, index: int) -> str:
    """Inline SVG for the page: no XML prolog, unique ids, an accessible title, no styles.

    The drawing holds numbers and fixed labels only (months, day ranges, outcomes), so the
    result is safe to mark as HTML.
    """
    svg = renderSVG.drawToString(chart.drawing)
    svg = svg[svg.index("<svg") :]
    svg = svg.replace('id="clip"', f'id="chart{index}-clip"').replace(
        "url(#clip)", f"url(#chart{index}-clip)"
    )
    svg = svg.replace('id="group"', f'id="chart{index}-group"')
    title = chart.title.replace("&", "&amp;").replace("<", "&lt;")
    svg = re.sub(r"<title>.*?</title>", f"<title>{title}</title>", svg, count=1, flags=re.S)
    svg = re.sub(r"<desc>.*?</desc>\s*", "", svg, count=1, flags=re.S)
    # Presentation attributes instead of style="": a CSP without 'unsafe-inline' styles
    # still draws the chart.
    svg = re.sub(r'style="([^"]*)"', _style_to_attributes, svg)
    if "<script" in svg or "style=" in svg:
        raise ValueError("Unexpected content in a chart.")
    return svg.replace("<svg ", '<svg role="img" ', 1)


def _style_to_attributes(match: re.Match[str]) -> str:
    attributes = []
    for declaration in match.group(1).split(";"):
        if ":" not in declaration:
            continue
        name, value = (part.strip() for part in declaration.split(":", 1))
        if name == "font-family":
            if value.endswith("-Bold"):
                attributes.append('font-weight="bold"')
                value = value.removesuffix("-Bold")
            value = f"{value}, Arial, sans-serif"
        attributes.append(f'{name}="{value}"')
    return " ".join(attributes)


def cached_chart_svgs(report: AnnualReport) -> list[tuple[str, str]]:
    """(title, SVG) of the report's charts; drawn once per cached report."""

    key = getattr(report, "cache_key", None)  # one report build, one set of charts
    svgs = cache.get(f"{key}:charts") if key else None
    if svgs is None:
        svgs = [
            (chart.title, chart_svg(chart, index=index))
            for index, chart in enumerate(charts(report))
        ]
        if key:
            cache.set(f"{key}:charts", svgs, REPORT_CACHE_SECONDS)
    return svgs
