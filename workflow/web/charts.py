"""Grouped bar charts (women and men side by side) as server-side SVG, like the budget chart.

Built with the budget chart's scale and element helpers: no JavaScript, geometry in
attributes, colours in static/style.css. Women's bars are filled and men's are outlined and
every bar carries its value, so nothing is told by colour alone; the page shows the same
figures in a table for screen readers, and the SVG has a title and a description.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import format_decimal
from markupsafe import Markup

from workflow.web.budget_chart import BOTTOM, HEIGHT, LEFT, RIGHT, TOP, WIDTH, Scale, _add


@dataclass(frozen=True)
class Group:
    """One category on the horizontal axis with the women's and the men's value."""

    label: str
    women: int
    men: int


def gender_bars(
    groups: Sequence[Group], *, chart_id: str, title: str, description: str, legend: tuple[str, str]
) -> Markup:
    """Women's and men's bars per group, with values, a legend, a title and a description."""
    if not groups:
        return Markup("")
    scale = Scale.around([g.women for g in groups] + [g.men for g in groups])
    band = (WIDTH - LEFT - RIGHT) / len(groups)
    zero = scale.y(0)
    svg = ET.Element(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "class": "budget-chart stat-chart",
            "viewBox": f"0 0 {WIDTH} {HEIGHT}",
            "role": "img",
            "aria-labelledby": f"{chart_id}-title {chart_id}-desc",
        },
    )
    _add(svg, "title", title, id=f"{chart_id}-title")
    _add(svg, "desc", description, id=f"{chart_id}-desc")
    for tick in scale.ticks():
        y = scale.y(tick)
        _add(svg, "line", class_="budget-chart__grid", x1=LEFT, y1=y, x2=WIDTH - RIGHT, y2=y)
        _add(
            svg,
            "text",
            format_decimal(tick),
            class_="budget-chart__tick",
            x=LEFT - 8,
            y=y,
            text_anchor="end",
            dominant_baseline="middle",
        )
    width = min(band * 0.35, 60.0)
    for index, group in enumerate(groups):
        centre = LEFT + (index + 0.5) * band
        for offset, value, css in (
            (-width, group.women, "stat-chart__bar--women"),
            (0.0, group.men, "stat-chart__bar--men"),
        ):
            top = scale.y(value)
            x = centre + offset
            if value:
                _add(svg, "rect", class_=css, x=x, y=top, width=width, height=zero - top)
            _add(
                svg,
                "text",
                format_decimal(value),
                class_="budget-chart__value",
                x=x + width / 2,
                y=top - 6,
                text_anchor="middle",
            )
        _add(
            svg,
            "text",
            group.label,
            class_="budget-chart__year",
            x=centre,
            y=HEIGHT - BOTTOM + 22,
            text_anchor="middle",
        )
    _add(svg, "line", class_="budget-chart__zero", x1=LEFT, y1=zero, x2=WIDTH - RIGHT, y2=zero)
    top_row = TOP - 38
    for offset, css, label in (
        (0, "stat-chart__bar--women", legend[0]),
        (200, "stat-chart__bar--men", legend[1]),
    ):
        _add(svg, "rect", class_=css, x=LEFT + offset, y=top_row, width=14, height=14)
        _add(
            svg,
            "text",
            label,
            class_="budget-chart__legend",
            x=LEFT + offset + 20,
            y=top_row + 12,
        )
    # ElementTree escapes every text and attribute value, so the markup is safe to inline.
    return Markup(ET.tostring(svg, encoding="unicode"))  # noqa: S704
