"""The dashboard's charts: Vega-Lite specs built with Altair, rendered to SVG on the server.

No JavaScript chart library reaches the browser: `vl_convert` renders each spec to a
self-contained SVG string, which the dashboard inlines. Titles and the kind names are
translated into the active language, so the caller caches per run *and* language.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
import vl_convert
from django.utils.html import escape
from django.utils.translation import gettext as _

CLIENT, CUSTOMER = "#7048e8", "#0c8599"
FONT = "system-ui, -apple-system, Segoe UI, Roboto, sans-serif"
WIDTH = 380


def charts_render(*, results: dict[str, Any], currency: str) -> dict[str, str]:
    """{"clv", "retention", "concentration"}: SVG text for each chart; a chart whose data
    is empty becomes a short SVG saying so (the dashboard's layout never changes)."""
    kinds = {"client": _("Clients"), "customer": _("Customers")}
    return {
        "clv": _svg(_clv_chart(results.get("clv_histogram", []), kinds, currency)),
        "retention": _svg(_retention_chart(results.get("cohorts", []), kinds)),
        "concentration": _svg(_lorenz_chart(results.get("lorenz", []), kinds)),
    }


def _colour(kinds: dict[str, str]) -> alt.Scale:
    return alt.Scale(domain=[kinds["client"], kinds["customer"]], range=[CLIENT, CUSTOMER])


def _clv_chart(rows: list[dict], kinds: dict[str, str], currency: str):
    if not rows:
        return None
    frame = pd.DataFrame(rows)
    frame["kind"] = frame["kind"].map(kinds)
    frame["bin"] = [
        f"{_short(lo)}–{_short(hi)}" for lo, hi in zip(frame["low"], frame["high"], strict=True)
    ]
    order = list(dict.fromkeys(frame.sort_values("low")["bin"]))
    used = frame.groupby("bin")["parties"].sum()
    order = [b for b in order if used[b] > 0] or order
    frame = frame[frame["bin"].isin(order)]
    title = _("12-month value (%(currency)s)") % {"currency": currency}
    return (
        alt.Chart(frame, width=WIDTH, height=260 if frame["kind"].nunique() == 1 else 130)
        .mark_bar(cornerRadiusTopLeft=2, cornerRadiusTopRight=2)
        .encode(
            x=alt.X("bin:O", sort=order, title=title, axis=alt.Axis(labelAngle=-40)),
            y=alt.Y("parties:Q", title=_("Parties")),
            color=alt.Color("kind:N", scale=_colour(kinds), legend=None),
            tooltip=["kind", "bin", "parties"],
        )
        .facet(
            row=alt.Row("kind:N", title=None, header=alt.Header(labelAngle=0, labelAlign="left"))
        )
        .resolve_scale(y="independent")
    )


def _retention_chart(rows: list[dict], kinds: dict[str, str]):
    if not rows:
        return None
    frame = pd.DataFrame(rows)
    frame = frame[frame["months_since"] <= 12]
    frame["kind"] = frame["kind"].map(kinds)
    return (
        alt.Chart(frame, width=WIDTH, height=alt.Step(9))
        .mark_rect()
        .encode(
            x=alt.X("months_since:O", title=_("Months since acquisition")),
            y=alt.Y("cohort_month:O", title=_("Acquisition month"), sort="descending"),
            color=alt.Color(
                "retention:Q",
                title=_("Retention rate"),
                scale=alt.Scale(scheme="blues", domain=[0, 1]),
                legend=alt.Legend(format="%", orient="bottom", gradientLength=160),
            ),
            tooltip=[
                "kind",
                "cohort_month",
                "months_since",
                alt.Tooltip("retention:Q", format=".0%"),
            ],
        )
        .facet(column=alt.Column("kind:N", title=None))
    )


def _lorenz_chart(rows: list[dict], kinds: dict[str, str]):
    if not rows:
        return None
    frame = pd.DataFrame(rows)
    frame = frame[frame["kind"].isin(list(kinds))]
    frame["kind"] = frame["kind"].map(kinds)
    equality = pd.DataFrame({"party_share": [0.0, 1.0], "revenue_share": [0.0, 1.0]})
    axis = {"format": "%", "tickCount": 5}
    x = alt.X(
        "party_share:Q", title=_("Share of parties, smallest buyers first"), axis=alt.Axis(**axis)
    )
    y = alt.Y("revenue_share:Q", title=_("Share of revenue"), axis=alt.Axis(**axis))
    line = alt.Chart(equality).mark_line(color="#adb5bd", strokeDash=[4, 4]).encode(x=x, y=y)
    curves = (
        alt.Chart(frame)
        .mark_line(strokeWidth=2.5)
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "kind:N", title=None, scale=_colour(kinds), legend=alt.Legend(orient="bottom")
            ),
        )
    )
    return alt.layer(line, curves, width=WIDTH, height=WIDTH)


def _svg(chart) -> str:
    if chart is None:
        return _empty_svg()
    spec = chart.configure(font=FONT, background="transparent").configure_view(stroke=None)
    spec = spec.configure_mark(aria=False).configure_axis(
        labelColor="#6b7385", titleColor="#1d2433", gridColor="#eef0f4"
    )
    return vl_convert.vegalite_to_svg(spec.to_dict())


def _empty_svg() -> str:
    text = escape(_("No data for this chart."))
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="320" height="60" role="img">'
        f'<text x="10" y="34" font-size="13" fill="#6b7385">{text}</text></svg>'
    )


def _short(value: float) -> str:
    if value >= 1_000_000:
        return f"{value / 1_000_000:g}M"
    if value >= 1_000:
        return f"{value / 1_000:g}k"
    return f"{value:g}"
