"""The batch report's chart: redemptions per day, a Vega-Lite spec built with Altair and
rendered to SVG on the server (as `analytics.charts`)."""

from __future__ import annotations

from datetime import timedelta

import altair as alt
import pandas as pd
from django.utils import formats
from django.utils.translation import gettext as _

from clientela.analytics.charts import FONT, _empty_svg

BAR = "#7048e8"


def redemptions_per_day_chart(*, per_day) -> str:
    """SVG text: one bar per day from the first to the last day with a redemption (days
    without any at 0); a short "no data" SVG without any."""
    if not per_day:
        return _empty_svg()
    day, count = _("Day"), _("Redemptions")
    counts = dict(per_day)
    first, last = per_day[0][0], per_day[-1][0]
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    frame = pd.DataFrame(
        [
            {"day": d.isoformat(), "label": formats.date_format(d, "j M"), "n": counts.get(d, 0)}
            for d in days
        ]  # fmt: skip
    )
    chart = (
        alt.Chart(frame, width=880, height=200)
        .mark_bar(color=BAR, cornerRadiusTopLeft=2, cornerRadiusTopRight=2)
        .encode(
            x=alt.X(
                "label:O",
                title=None,
                sort=list(frame["label"]),
                axis=alt.Axis(labelAngle=0, labelOverlap="parity"),
            ),  # fmt: skip
            y=alt.Y("n:Q", title=count, axis=alt.Axis(tickMinStep=1)),
            tooltip=[alt.Tooltip("day:N", title=day), alt.Tooltip("n:Q", title=count)],
        )
    )
    spec = chart.configure(font=FONT, background="transparent").configure_view(stroke=None)
    spec = spec.configure_mark(aria=False).configure_axis(
        labelColor="#6b7385", titleColor="#1d2433", gridColor="#eef0f4"
    )
    import vl_convert

    return vl_convert.vegalite_to_svg(spec.to_dict())
