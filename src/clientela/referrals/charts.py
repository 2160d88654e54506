"""The leaderboard chart: qualified and pending referrals of the top ambassadors, a
Vega-Lite spec built with Altair and rendered to SVG on the server (as `analytics.charts`)."""

from __future__ import annotations

import altair as alt
import pandas as pd
from django.utils.translation import gettext as _

from clientela.analytics.charts import FONT, _empty_svg

QUALIFIED, PENDING = "#2f9e44", "#f59f00"


def leaderboard_chart(*, rows) -> str:
    """SVG text: one stacked bar per ambassador (qualified, then pending); a short
    "no data" SVG without rows."""
    if not rows:
        return _empty_svg()
    qualified, pending = _("Qualified"), _("Pending")
    frame = pd.DataFrame(
        [
            {"who": row.name, "what": label, "n": n, "order": i}
            for row in rows
            for i, (label, n) in enumerate(((qualified, row.qualified), (pending, row.pending)))
        ]
    )
    chart = (
        alt.Chart(frame, width=230, height=alt.Step(22))
        .mark_bar(cornerRadiusTopRight=2, cornerRadiusBottomRight=2)
        .encode(
            y=alt.Y(
                "who:N",
                title=None,
                sort=[row.name for row in rows],
                axis=alt.Axis(labelLimit=150),
            ),
            x=alt.X("sum(n):Q", title=_("Referrals"), axis=alt.Axis(tickMinStep=1)),
            color=alt.Color(
                "what:N",
                title=None,
                scale=alt.Scale(domain=[qualified, pending], range=[QUALIFIED, PENDING]),
                legend=alt.Legend(orient="bottom"),
            ),
            order=alt.Order("order:Q"),
            tooltip=["who", "what", "n"],
        )
    )
    spec = chart.configure(
        font=FONT, background="transparent", padding={"left": 18, "top": 4, "right": 4, "bottom": 4}
    ).configure_view(stroke=None)
    spec = spec.configure_mark(aria=False).configure_axis(
        labelColor="#6b7385", titleColor="#1d2433", gridColor="#eef0f4"
    )
    import vl_convert

    return vl_convert.vegalite_to_svg(spec.to_dict())
