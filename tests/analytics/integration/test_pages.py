"""The party page's value card and the dashboard's server-rendered charts."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape

from clientela.analytics.models import PartyScore
from clientela.analytics.services import analysis_run
from clientela.parties.models import Party
from tests.conftest import PASSWORD


@pytest.fixture
def viewer_client(client, users):
    assert client.login(username="viewer", password=PASSWORD) is True
    return client


def test_the_party_page_shows_the_stored_score_of_the_latest_run(bank, viewer_client):
    # given an analysis; and a modelled party
    run = analysis_run(actor=None)
    score = (
        PartyScore.objects.filter(run=run, clv_12m__isnull=False, frequency__gt=0)
        .select_related("party")
        .order_by("-clv_12m")
        .first()
    )

    # when a viewer opens its page
    page = viewer_client.get(reverse("web:party", args=[score.party.public_id]))

    # then the value card shows exactly the stored values, formatted
    html = page.content.decode()
    assert page.status_code == 200
    percent = round(score.p_alive * 100)
    assert f'<dd data-testid="value-clv"><strong>{score.clv_12m:,.2f} EUR</strong></dd>' in html
    assert f'<span class="meter-fill" style="width: {percent}%"></span></span> {percent}%' in html
    assert f'<dd data-testid="value-expected">{score.expected_purchases_90d:.2f}</dd>' in html
    rfm = (
        f'R {score.recency_score}</span> · <span title="Frequency">F {score.frequency_score}'
        f'</span> · <span title="Monetary value">M {score.monetary_score}</span>'
    )
    assert rfm in html
    assert f'<dd data-testid="value-frequency">{score.frequency}</dd>' in html
    segment = score.segment[0].upper() + score.segment[1:]
    assert f'<span class="chip" data-testid="value-segment">{segment}</span>' in html
    assert f"Analysed on {run.finished_at:%m/%d/%Y}" in html


def test_a_party_of_a_kind_without_a_model_shows_why(bank, viewer_client):
    run = analysis_run(actor=None)
    score = PartyScore.objects.filter(run=run, kind="client").select_related("party").first()

    html = viewer_client.get(reverse("web:party", args=[score.party.public_id])).content.decode()

    reason = run.fits["client"]["skipped"]
    assert '<dd data-testid="value-clv"><span class="muted">—</span></dd>' in html
    assert f"No value model for this kind of relationship: {escape(reason)}." in html


def test_a_party_without_a_score_is_not_analysed_yet(bank, viewer_client):
    # given a run, and a party without paid orders
    analysis_run(actor=None)
    party = Party.objects.exclude(scores__isnull=False).first()

    html = viewer_client.get(reverse("web:party", args=[party.public_id])).content.decode()

    assert '<p class="empty" data-testid="value-none">Not analysed yet.</p>' in html


def test_the_dashboard_renders_the_three_charts_as_svg(bank, viewer_client):
    # given no analysis: the dashboard says so
    before = viewer_client.get(reverse("web:dashboard")).content.decode()
    assert 'data-testid="charts-none"' in before
    assert 'class="chart' not in before

    # when an analysis has run
    analysis_run(actor=None)
    html = viewer_client.get(reverse("web:dashboard")).content.decode()

    # then three inline SVG charts with their axis titles, and no chart script (the page's
    # other icons, such as the notifications bell, were there before)
    assert html.count("<svg") == 3 + before.count("<svg")
    for title in (
        "12-month value (EUR)",
        "Months since acquisition",
        "Acquisition month",
        "Share of revenue",
        "Share of parties, smallest buyers first",
    ):
        assert f">{title}</text>" in html
    assert "vega" not in html.lower().replace("vega-", "")


def test_the_dashboard_charts_are_rendered_once_per_run_and_language(bank, viewer_client):
    from django.core.cache import cache

    run = analysis_run(actor=None)
    viewer_client.get(reverse("web:dashboard"))

    assert set(cache.get(f"analytics:charts:{run.public_id}:en")) == {
        "clv",
        "retention",
        "concentration",
    }
