"""The customer desk's charts: Vega-Lite specs built with Altair, rendered to SVG on the
server (as `analytics.charts` and `clientdesk.charts`)."""

from __future__ import annotations

import altair as alt
import pandas as pd
from django.utils.translation import gettext as _

from clientela.analytics.charts import FONT, _empty_svg

# One colour per touchpoint channel, the same on the party card (customerdesk.css).
CHANNEL_COLOURS = {
    "web": "#1c7ed6",
    "social": "#ae3ec9",
    "email": "#f59f00",
    "phone": "#37b24d",
    "store": "#0c8599",
    "in_person": "#e8590c",
    "video": "#7048e8",
    "chat": "#d6336c",
}
CUSTOMER = "#0c8599"


def _render(chart) -> str:
    spec = chart.configure(font=FONT, background="transparent").configure_view(stroke=None)
    spec = spec.configure_mark(aria=False).configure_axis(
        labelColor="#6b7385", titleColor="#1d2433", gridColor="#eef0f4"
    )
    import vl_convert

    return vl_convert.vegalite_to_svg(spec.to_dict())


def channel_mix_chart(*, rows, months) -> str:
    """SVG: touchpoints per month, stacked by channel (`rows`: ChannelMonth; `months`: the
    months to show, oldest first); a short "no data" SVG without touchpoints."""
    from clientela.customerdesk.selectors import channel_label

    if not rows:
        return _empty_svg()
    order = [m.strftime("%Y-%m") for m in months]
    frame = pd.DataFrame(
        [
            {
                "month": r.month.strftime("%Y-%m"),
                "channel": channel_label(r.channel),
                "n": r.touchpoints,
            }
            for r in rows
        ]  # fmt: skip
    )
    used = [c for c in CHANNEL_COLOURS if any(r.channel == c for r in rows)]
    domain = [channel_label(c) for c in used]
    chart = (
        alt.Chart(frame, width=860, height=240)
        .mark_bar()
        .encode(
            x=alt.X("month:O", sort=order, title=None, scale=alt.Scale(domain=order),
                    axis=alt.Axis(labelAngle=-40)),
            y=alt.Y("sum(n):Q", title=_("Touchpoints"), axis=alt.Axis(tickMinStep=1)),
            color=alt.Color(
                "channel:N", title=None,
                scale=alt.Scale(domain=domain, range=[CHANNEL_COLOURS[c] for c in used]),
                legend=alt.Legend(orient="right"),
            ),
            order=alt.Order("channel:N"),
            tooltip=["month", "channel", "n"],
        )
    )  # fmt: skip
    return _render(chart)


def repeat_rate_chart(*, cohorts) -> str:
    """SVG: the repeat rate of each first-purchase month (bars), the cohort's size in the
    tooltip; a short "no data" SVG when no cohort has customers."""
    if not any(c.customers for c in cohorts):
        return _empty_svg()
    frame = pd.DataFrame(
        [
            {
                "month": c.month.strftime("%Y-%m"),
                "rate": c.rate,
                "customers": c.customers,
                "repeat": c.repeat_customers,
            }
            for c in cohorts
        ]  # fmt: skip
    )
    order = list(frame["month"])
    bars = (
        alt.Chart(frame, width=900, height=220)
        .mark_bar(color=CUSTOMER, cornerRadiusTopLeft=2, cornerRadiusTopRight=2)
        .encode(
            x=alt.X("month:O", sort=order, title=_("First purchase"),
                    axis=alt.Axis(labelAngle=-40)),
            y=alt.Y("rate:Q", title=_("Repeat rate"), axis=alt.Axis(format="%"),
                    scale=alt.Scale(domain=[0, 1])),
            tooltip=["month", alt.Tooltip("rate:Q", format=".0%"), "customers", "repeat"],
        )
    )  # fmt: skip
    labels = bars.mark_text(dy=-6, fontSize=10, color="#41495a").encode(
        text=alt.Text("customers:Q")
    )
    return _render(bars + labels)
