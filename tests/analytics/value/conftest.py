"""The raw CDNOW sample (shipped with lifetimes), as transactions and as a CSV file."""

import datetime
from pathlib import Path

import lifetimes
import pandas as pd
import pytest

CDNOW = Path(lifetimes.__file__).parent / "datasets" / "CDNOW_sample.txt"
CALIBRATION_END = datetime.date(1997, 9, 30)
OBSERVATION_END = datetime.date(1998, 6, 30)


@pytest.fixture(scope="session")
def cdnow() -> pd.DataFrame:
    """customer_id (the sample's 4-digit id), date (datetime64), amount: 6,919 rows."""
    frame = pd.read_csv(
        CDNOW,
        sep=r"\s+",
        header=None,
        names=["master_id", "customer_id", "date", "cds", "amount"],
        dtype={"master_id": str, "customer_id": str, "date": str},
    )
    frame["date"] = pd.to_datetime(frame["date"], format="%Y%m%d")
    return frame[["customer_id", "date", "amount"]]


@pytest.fixture(scope="session")
def cdnow_csv(cdnow, tmp_path_factory) -> Path:
    """The sample as a CSV with columns id, day (YYYYMMDD), spend."""
    path = tmp_path_factory.mktemp("cdnow") / "cdnow.csv"
    out = cdnow.rename(columns={"customer_id": "id", "date": "day", "amount": "spend"})
    out["day"] = out["day"].dt.strftime("%Y%m%d")
    out.to_csv(path, index=False)
    return path


@pytest.fixture(scope="session")
def cdnow_summary(cdnow) -> pd.DataFrame:
    """Our RFM summary of the sample in weeks, calibration end 1997-09-30."""
    import ibis

    from clientela.analytics.pipelines.summary import rfm_summary

    con = ibis.duckdb.connect()
    table = con.create_table("cdnow", cdnow)
    expr = rfm_summary(table, calibration_end=CALIBRATION_END, observation_end=OBSERVATION_END)
    return con.execute(expr).sort_values("customer_id").reset_index(drop=True)
