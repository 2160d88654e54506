"""The support report's chart: breaches per priority, one bar per kind (client,
customer, other), a Vega-Lite spec built with Altair and rendered to SVG on the server."""

from __future__ import annotations

import altair as alt
import pandas as pd
from django.utils.translation import gettext as _

from clientela.analytics.charts import FONT, _empty_svg

COLOURS = {"client": "#7048e8", "customer": "#0c8599", "other": "#868e96"}


def breaches_chart(*, rows: list[dict]) -> str:
    """SVG text: per priority, the tickets that missed a target (first response or
    resolution), split by kind; a short "no data" SVG without any."""
    from clientela.support.models import TicketKind, TicketPriority

    kinds = dict(TicketKind.choices)
    priorities = dict(TicketPriority.choices)
    data = []
    for row in rows:
        missed = row["first_response"] + row["resolution"]
        if missed:
            data.append({
                "priority": str(priorities[row["priority"]]), "kind": str(kinds[row["kind"]]),
                "breaches": missed,
            })  # fmt: skip
    if not data:
        return _empty_svg()
    order = [str(priorities[p]) for p in reversed(TicketPriority.values)]
    kind_order = [str(kinds[k]) for k in TicketKind.values]
    chart = (
        alt.Chart(pd.DataFrame(data), width=480, height=alt.Step(18))
        .mark_bar(cornerRadiusTopRight=2, cornerRadiusBottomRight=2)
        .encode(
            y=alt.Y("priority:N", title=None, sort=order),
            yOffset=alt.YOffset("kind:N", sort=kind_order),
            x=alt.X("breaches:Q", title=_("Targets missed"), axis=alt.Axis(tickMinStep=1)),
            color=alt.Color(
                "kind:N",
                title=None,
                scale=alt.Scale(domain=kind_order, range=[COLOURS[k] for k in TicketKind.values]),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=["priority", "kind", "breaches"],
        )
    )
    spec = chart.configure(font=FONT, background="transparent").configure_view(stroke=None)
    spec = spec.configure_mark(aria=False).configure_axis(
        labelColor="#6b7385", titleColor="#1d2433", gridColor="#eef0f4"
    )
    import vl_convert

    return vl_convert.vegalite_to_svg(spec.to_dict())
