"""rfm_summary against lifetimes' summary_data_from_transaction_data on CDNOW."""

import datetime
import warnings

import ibis
import numpy as np
import pytest
from lifetimes.utils import summary_data_from_transaction_data

from clientela.analytics.pipelines.summary import rfm_summary
from clientela.core.errors import ApplicationError

from .conftest import CALIBRATION_END


def _lifetimes_summary(transactions, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return summary_data_from_transaction_data(
            transactions, "customer_id", "date", monetary_value_col="amount", freq="D", **kwargs
        ).sort_index()


def test_weekly_summary_equals_lifetimes_per_customer(cdnow, cdnow_summary):
    # given lifetimes' summary of the calibration period in weeks (days / 7)
    calibration = cdnow[cdnow["date"] <= "1997-09-30"]
    expected = _lifetimes_summary(
        calibration, observation_period_end="1997-09-30", freq_multiplier=7
    )
    # then ours (from the fixture) has the same customers and the same four numbers
    assert len(cdnow_summary) == 2357
    assert list(cdnow_summary["customer_id"]) == list(expected.index)
    for column in ("frequency", "recency", "T", "monetary_value"):
        np.testing.assert_allclose(
            cdnow_summary[column].to_numpy(), expected[column].to_numpy(), rtol=1e-12, atol=0
        )
    assert int((cdnow_summary["frequency"] > 0).sum()) == 946


def test_first_customer_by_hand(cdnow_summary):
    # customer 0001 bought on 1997-01-01, 01-18 and 08-02 (and 12-12, after the calibration)
    first = cdnow_summary.iloc[0]
    assert first["customer_id"] == "0001"
    assert first["frequency"] == 2.0
    assert first["recency"] == 213 / 7
    assert first["T"] == 272 / 7
    assert first["monetary_value"] == pytest.approx((29.73 + 14.96) / 2, rel=1e-15)


def test_daily_summary_without_an_end_equals_lifetimes(cdnow):
    # given the whole file, by day, ending on the last purchase day
    con = ibis.duckdb.connect()
    table = con.create_table("cdnow", cdnow)
    ours = con.execute(rfm_summary(table, period="day")).sort_values("customer_id")
    expected = _lifetimes_summary(cdnow)
    # then every column matches lifetimes exactly
    assert list(ours["customer_id"]) == list(expected.index)
    for column in ("frequency", "recency", "T", "monetary_value"):
        np.testing.assert_allclose(ours[column].to_numpy(), expected[column].to_numpy(), rtol=1e-12)


def test_same_day_purchases_are_merged_and_summed():
    # given two purchases on one day and one a week later
    con = ibis.duckdb.connect()
    table = con.create_table(
        "tx",
        {
            "customer_id": ["c", "c", "c"],
            "date": [
                datetime.date(2024, 1, 1),
                datetime.date(2024, 1, 1),
                datetime.date(2024, 1, 8),
            ],
            "amount": [10.0, 5.0, 20.0],
        },
    )
    # when summarised in days up to 2024-01-15
    row = con.execute(rfm_summary(table, period="day", calibration_end=datetime.date(2024, 1, 15)))
    # then the first day counts once, and only the repeat day's amount is averaged
    assert row.to_dict("records") == [
        {"customer_id": "c", "frequency": 1.0, "recency": 7.0, "T": 14.0, "monetary_value": 20.0}
    ]


def test_calibration_end_after_observation_end_is_refused(cdnow):
    table = ibis.memtable(cdnow)
    with pytest.raises(ApplicationError) as caught:
        rfm_summary(
            table, calibration_end=CALIBRATION_END, observation_end=datetime.date(1997, 1, 1)
        )
    assert caught.value.message == (
        "calibration_end: 1997-09-30 is after the observation end 1997-01-01"
    )


def test_unknown_period_is_refused(cdnow):
    with pytest.raises(ApplicationError) as caught:
        rfm_summary(ibis.memtable(cdnow), period="month")
    assert caught.value.message == "period: must be day or week, not 'month'"
