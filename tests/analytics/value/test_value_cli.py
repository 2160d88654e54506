"""`clientela value fit|predict` on the CDNOW sample and on bad files (no Django needed)."""

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from clientela.cli import app

runner = CliRunner()
COLUMNS = ["--customer", "id", "--date", "day", "--amount", "spend", "--date-format", "%Y%m%d"]


def _run(*args):
    return runner.invoke(app, ["value", *map(str, args)])


def test_fit_prints_the_paper_parameters_as_json(cdnow_csv):
    result = _run("fit", cdnow_csv, *COLUMNS, "--calibration-end", "1997-09-30", "--json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["customers"] == 2357
    purchase, spend = body["purchase"], body["spend"]
    assert {k: round(v, 4) for k, v in purchase["params"].items()} == {
        "r": 0.2426,
        "alpha": 4.4136,
        "a": 0.7929,
        "b": 2.4259,
    }
    assert round(purchase["log_likelihood"], 2) == -9582.43
    assert {k: round(v, 4) for k, v in purchase["standard_errors"].items()} == {
        "r": 0.0126,
        "alpha": 0.3782,
        "a": 0.1857,
        "b": 0.7054,
    }
    assert spend["customers"] == 946
    assert {k: round(v, 4) for k, v in spend["params"].items()} == {
        "p": 6.2496,
        "q": 3.7442,
        "gamma": 15.4435,
    }


def test_fit_pareto_as_a_table(cdnow_csv):
    result = _run(
        "fit", cdnow_csv, *COLUMNS, "--calibration-end", "1997-09-30", "--model", "pareto"
    )
    assert result.exit_code == 0, result.output
    assert "pareto: 2357 customers, log-likelihood -9594.9762" in result.stdout
    assert "│ beta      │  11.6687 │" in result.stdout


def test_predict_writes_one_row_per_customer(cdnow_csv, tmp_path):
    out = tmp_path / "scores.parquet"
    result = _run(
        "predict", cdnow_csv, *COLUMNS, "--calibration-end", "1997-09-30", "--output", out
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"Wrote predictions for 2357 customers to {out}."
    scores = pd.read_parquet(out)
    assert list(scores.columns) == [
        "customer",
        "frequency",
        "recency",
        "T",
        "monetary_value",
        "p_alive",
        "expected_purchases",
        "clv",
    ]
    first = scores.iloc[0]
    assert (first["customer"], first["frequency"]) == ("0001", 2.0)
    assert round(first["p_alive"], 4) == 0.7266


@pytest.mark.parametrize(
    ("content", "extra", "message"),
    [
        (
            "id,day,spend\n1,19970101,10\n2,1997-13-45,5\n",
            [],
            "Error: day: cannot parse '1997-13-45' as a date on line 3",
        ),
        ("id,day,spend\n1,19970101,10\n2,19970102,\n", [], "Error: spend: missing value on line 3"),
        (
            "id,day,spend\n1,19970101,10\n2,19970102,-4.5\n",
            [],
            "Error: spend: negative value -4.5 on line 3",
        ),
        (
            "id,day,spend\n1,19970101,10\n2,19970102,4\n",
            ["--calibration-end", "1996-01-01"],
            "Error: calibration_end: 1996-01-01 is before the first purchase (1997-01-01)",
        ),
        (
            "id,day,spend\n1,19970101,10\n1,19970301,4\n",
            [],
            "Error: summary: at least 2 customers are needed to fit a model, got 1",
        ),
    ],
)
def test_bad_input_is_one_line_naming_the_problem(tmp_path, content, extra, message):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    result = _run("fit", path, *COLUMNS, *extra)
    assert result.exit_code == 1
    assert result.stderr.strip() == message
    assert "Traceback" not in result.output


def test_an_unknown_column_is_named(cdnow_csv):
    result = _run("fit", cdnow_csv, "--customer", "who", "--date", "day", "--amount", "spend")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Error: who: no such column in cdnow.csv (given by --customer; the columns are "
        "id, day, spend)"
    )
