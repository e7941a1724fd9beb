"""The budget chart: income, costs and the capital per year, as server-side SVG.

Plain SVG built here, so it needs no JavaScript and passes a strict CSP: geometry is in
presentation attributes, colours and type in classes of static/style.css (no style
attributes). Bars and the line differ in shape, and a negative balance has its own marker and
a minus sign, so nothing is told by colour alone. The table on the page is the accessible
source of the same figures; the SVG carries a title and a description.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup

from workflow.rules.budget import YearBudget

WIDTH = 720
HEIGHT = 340
LEFT, RIGHT, TOP, BOTTOM = 80, 16, 64, 40


@dataclass(frozen=True)
class Scale:
    """Maps kronor to the vertical pixel position, with round tick values."""

    low: int
    high: int
    step: int

    @classmethod
    def around(cls, values: Sequence[int]) -> Scale:
        """A scale from zero (or below) to the largest value, in 1-2-5 steps."""
        low, high = min(0, *values), max(0, *values)
        if low == high:
            high = low + 1000
        raw = (high - low) / 4
        magnitude = 10 ** math.floor(math.log10(raw))
        step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
        step = max(1, int(step))
        return cls(math.floor(low / step) * step, math.ceil(high / step) * step, step)

    def y(self, value: int) -> float:
        """The pixel row of `value`."""
        plot = HEIGHT - TOP - BOTTOM
        return TOP + (self.high - value) / (self.high - self.low) * plot

    def ticks(self) -> list[int]:
        """Every tick value from the bottom to the top."""
        return list(range(self.low, self.high + 1, self.step))


def _n(value: float) -> str:
    """A coordinate with at most one decimal."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _add(parent: ET.Element, tag: str, text: str | None = None, **attrs: object) -> ET.Element:
    """A child element; numbers become short strings, `class_` the class attribute."""
    element = ET.SubElement(
        parent,
        tag,
        {
            name.rstrip("_").replace("_", "-"): _n(value)
            if isinstance(value, float)
            else str(value)
            for name, value in attrs.items()
        },
    )
    if text is not None:
        element.text = text
    return element


def balance_chart(
    years: Sequence[YearBudget],
    *,
    title: str,
    description: str,
    labels: dict[str, str],
    tkr: Callable[[int | None], str],
) -> Markup:
    """The chart as an inline `<svg>`: per year a bar of income and one of costs, the line of
    the capital at the year's end and, dashed, the most capital recommended; `labels` holds
    the translated legend and unit."""
    if not years:
        return Markup("")
    balances = [y.projected_balance_sek for y in years]
    scale = Scale.around(
        balances
        + [y.income_total_sek for y in years]
        + [y.cost_total_sek for y in years]
        + [y.capital_limit_sek for y in years]
    )
    band = (WIDTH - LEFT - RIGHT) / len(years)
    zero = scale.y(0)
    svg = ET.Element(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "class": "budget-chart",
            "viewBox": f"0 0 {WIDTH} {HEIGHT}",
            "role": "img",
            "aria-labelledby": "budget-chart-title budget-chart-desc",
        },
    )
    _add(svg, "title", title, id="budget-chart-title")
    _add(svg, "desc", description, id="budget-chart-desc")
    for tick in scale.ticks():
        y = scale.y(tick)
        _add(svg, "line", class_="budget-chart__grid", x1=LEFT, y1=y, x2=WIDTH - RIGHT, y2=y)
        _add(
            svg,
            "text",
            tkr(tick),
            class_="budget-chart__tick",
            x=LEFT - 8,
            y=y,
            text_anchor="end",
            dominant_baseline="middle",
        )
    _add(
        svg,
        "text",
        labels["unit"],
        class_="budget-chart__unit",
        x=LEFT - 8,
        y=TOP - 12,
        text_anchor="end",
    )
    points = []
    for index, row in enumerate(years):
        centre = LEFT + (index + 0.5) * band
        # Income left of the centre, costs right of it: told apart by place and by fill
        # (solid against outlined), not by colour alone.
        for value, css, left in (
            (row.income_total_sek, "budget-chart__bar", centre - band * 0.3),
            (row.cost_total_sek, "budget-chart__bar budget-chart__bar--costs", centre),
        ):
            if value > 0:
                top = scale.y(value)
                _add(svg, "rect", class_=css, x=left, y=top, width=band * 0.3, height=zero - top)
        if row.capital_limit_sek:
            y = scale.y(row.capital_limit_sek)
            _add(
                svg,
                "line",
                class_="budget-chart__limit",
                x1=centre - band * 0.45,
                y1=y,
                x2=centre + band * 0.45,
                y2=y,
            )
        _add(
            svg,
            "text",
            str(row.year),
            class_="budget-chart__year",
            x=centre,
            y=HEIGHT - BOTTOM + 22,
            text_anchor="middle",
        )
        points.append((centre, scale.y(row.projected_balance_sek), row.projected_balance_sek))
    _add(svg, "line", class_="budget-chart__zero", x1=LEFT, y1=zero, x2=WIDTH - RIGHT, y2=zero)
    if len(points) > 1:
        line = " ".join(f"{_n(x)},{_n(y)}" for x, y, _ in points)
        _add(svg, "polyline", class_="budget-chart__line", points=line)
    for x, y, value in points:
        if value < 0:
            # A diamond, not a dot, for a year below zero; its label sits under it.
            corners = [(x, y - 7), (x + 7, y), (x, y + 7), (x - 7, y)]
            _add(
                svg,
                "polygon",
                class_="budget-chart__point budget-chart__point--negative",
                points=" ".join(f"{_n(cx)},{_n(cy)}" for cx, cy in corners),
            )
            _add(
                svg,
                "text",
                tkr(value),
                class_="budget-chart__value budget-chart__value--negative",
                x=x,
                y=y + 22,
                text_anchor="middle",
            )
        else:
            _add(svg, "circle", class_="budget-chart__point", cx=x, cy=y, r=5)
            _add(
                svg,
                "text",
                tkr(value),
                class_="budget-chart__value",
                x=x,
                y=y - 12,
                text_anchor="middle",
            )
    _legend(svg, labels)
    # ElementTree escapes every text and attribute value, so the markup is safe to inline.
    return Markup(ET.tostring(svg, encoding="unicode"))  # noqa: S704


def _legend(svg: ET.Element, labels: dict[str, str]) -> None:
    """The legend in two rows above the plot: the bars, then the two lines."""
    first, second = 14, 36
    _add(svg, "rect", class_="budget-chart__bar", x=LEFT, y=first - 10, width=14, height=14)
    _add(svg, "text", labels["income"], class_="budget-chart__legend", x=LEFT + 20, y=first + 2)
    _add(
        svg,
        "rect",
        class_="budget-chart__bar budget-chart__bar--costs",
        x=LEFT + 300,
        y=first - 10,
        width=14,
        height=14,
    )
    _add(svg, "text", labels["costs"], class_="budget-chart__legend", x=LEFT + 320, y=first + 2)
    _add(
        svg,
        "line",
        class_="budget-chart__line",
        x1=LEFT,
        y1=second - 3,
        x2=LEFT + 30,
        y2=second - 3,
    )
    _add(svg, "circle", class_="budget-chart__point", cx=LEFT + 15, cy=second - 3, r=5)
    _add(svg, "text", labels["balance"], class_="budget-chart__legend", x=LEFT + 38, y=second + 2)
    _add(
        svg,
        "line",
        class_="budget-chart__limit",
        x1=LEFT + 300,
        y1=second - 3,
        x2=LEFT + 330,
        y2=second - 3,
    )
    _add(svg, "text", labels["limit"], class_="budget-chart__legend", x=LEFT + 338, y=second + 2)
