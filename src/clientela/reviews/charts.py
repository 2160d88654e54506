"""A small inline SVG chart of review scores (0..10), drawn on the server: no script, no
network, readable by screen readers through its title."""

from __future__ import annotations

import datetime as dt

from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

WIDTH, HEIGHT = 340, 110
LEFT, RIGHT, TOP, BOTTOM = 24, 10, 8, 22
NEGATIVE_AT = 6


def score_sparkline(points: list[tuple[dt.date, float]]) -> SafeString | str:
    """An SVG line of the scores on a fixed 0..10 axis, oldest left, the first and last dates
    below; a dashed line marks 6 (a score at or below it counts as negative, and its dot is
    red). Empty string for no points."""
    if not points:
        return ""
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def y(score: float) -> float:
        return round(TOP + inner_h * (1 - score / 10), 1)

    if len(points) > 1:
        xs = [round(LEFT + i * inner_w / (len(points) - 1), 1) for i in range(len(points))]
    else:
        xs = [round(LEFT + inner_w / 2, 1)]
    coords = [(x, y(score)) for x, (_, score) in zip(xs, points, strict=True)]
    dots = format_html_join(
        "",
        '<circle cx="{}" cy="{}" r="3.5" class="{}"><title>{}: {}</title></circle>',
        (
            (x, yy, "spark-low" if score <= NEGATIVE_AT else "spark-dot", day.isoformat(), score)
            for (x, yy), (day, score) in zip(coords, points, strict=True)
        ),
    )
    axis = format_html_join(
        "",
        '<text x="{}" y="{}" class="spark-axis" text-anchor="end">{}</text>',
        ((LEFT - 6, y(value) + 3.5, value) for value in (10, NEGATIVE_AT, 0)),
    )
    first, last = points[0][0], points[-1][0]
    dates = format_html(
        '<text x="{}" y="{}" class="spark-axis" text-anchor="{}">{}</text>',
        xs[0],
        HEIGHT - 6,
        "start" if len(points) > 1 else "middle",
        date_format(first, "SHORT_DATE_FORMAT"),
    )
    if len(points) > 1:
        dates += format_html(
            '<text x="{}" y="{}" class="spark-axis" text-anchor="end">{}</text>',
            xs[-1],
            HEIGHT - 6,
            date_format(last, "SHORT_DATE_FORMAT"),
        )
    title = _("Review scores, oldest first: %(scores)s") % {
        "scores": ", ".join(f"{score:g}" for _, score in points)
    }
    return format_html(
        '<svg class="review-spark" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" '
        'aria-label="{title}"><title>{title}</title>'
        '<line x1="{l}" x2="{x2}" y1="{top}" y2="{top}" class="spark-grid"/>'
        '<line x1="{l}" x2="{x2}" y1="{bottom}" y2="{bottom}" class="spark-grid"/>'
        '<line x1="{l}" x2="{x2}" y1="{t}" y2="{t}" class="spark-threshold"/>{axis}{dates}'
        '<polyline points="{line}" class="spark-line" fill="none"/>{dots}</svg>',
        w=WIDTH,
        h=HEIGHT,
        l=LEFT,
        x2=WIDTH - RIGHT,
        top=y(10),
        bottom=y(0),
        t=y(NEGATIVE_AT),
        axis=axis,
        dates=dates,
        title=title,
        line=" ".join(f"{x},{yy}" for x, yy in coords),
        dots=dots,
    )
