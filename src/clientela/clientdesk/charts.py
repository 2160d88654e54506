"""The workload chart: clients and open items per account manager, a Vega-Lite spec built
with Altair and rendered to SVG on the server (as `analytics.charts`)."""

from __future__ import annotations

import altair as alt
import pandas as pd
from django.utils.translation import gettext as _

from clientela.analytics.charts import FONT, _empty_svg

CLIENTS, OVERDUE = "#7048e8", "#e8590c"


def workload_chart(*, lines) -> str:
    """SVG text: per account manager, a bar of clients and a bar of overdue items (overdue
    check-ins + late onboarding tasks); a short "no data" SVG without lines."""
    if not lines:
        return _empty_svg()
    clients, overdue = _("Clients"), _("Overdue items")
    rows = []
    for line in lines:
        rows.append({"who": line.name, "what": clients, "n": line.clients})
        rows.append(
            {"who": line.name, "what": overdue, "n": line.overdue_checkins + line.late_tasks}
        )
    frame = pd.DataFrame(rows)
    chart = (
        alt.Chart(frame, width=520, height=alt.Step(14))
        .mark_bar(cornerRadiusTopRight=2, cornerRadiusBottomRight=2)
        .encode(
            y=alt.Y("who:N", title=None, sort=[line.name for line in lines]),
            yOffset=alt.YOffset("what:N", sort=[clients, overdue]),
            x=alt.X("n:Q", title=None, axis=alt.Axis(tickMinStep=1)),
            color=alt.Color(
                "what:N",
                title=None,
                scale=alt.Scale(domain=[clients, overdue], range=[CLIENTS, OVERDUE]),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=["who", "what", "n"],
        )
    )
    spec = chart.configure(font=FONT, background="transparent").configure_view(stroke=None)
    spec = spec.configure_mark(aria=False).configure_axis(
        labelColor="#6b7385", titleColor="#1d2433", gridColor="#eef0f4"
    )
    import vl_convert

    return vl_convert.vegalite_to_svg(spec.to_dict())
