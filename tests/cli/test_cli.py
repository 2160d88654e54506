"""The `clientela` command run in-process (typer's CliRunner) on the test database."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from clientela import __version__
from clientela.accounts.models import Role, User
from clientela.cli import app
from clientela.commerce.models import Order
from clientela.parties.models import Party

SHOPIFY = Path(__file__).parent.parent / "transfer" / "data" / "shopify_orders.csv"
runner = CliRunner()


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_version_prints_the_package_version():
    result = runner.invoke(app, ["--version"])
    assert (result.exit_code, result.output) == (0, f"clientela {__version__}\n")


def test_init_creates_one_admin_and_a_second_init_changes_nothing(transactional_db):
    # when init runs on an empty database
    first = runner.invoke(app, ["init"])

    # then one admin exists and its password is printed once, and works
    assert first.exit_code == 0, first.output
    admin = User.objects.get(role=Role.ADMIN)
    assert admin.username == "admin"
    password = next(
        line.split("password:")[1].strip(" │")
        for line in first.output.splitlines()
        if "password:" in line
    )
    assert admin.check_password(password) is True

    # when init runs again, with a demo requested
    second = runner.invoke(app, ["init", "--demo", "cafe"])

    # then it says so, loads no demo and creates no second admin
    assert second.exit_code == 0, second.output
    assert "The database is already initialised" in second.output
    assert "The demo was not loaded: this database already holds data." in second.output
    assert "password:" not in second.output
    assert User.objects.count() == 1


def test_users_create_reads_the_password_from_stdin(db):
    result = runner.invoke(
        app,
        [
            "users",
            "create",
            "maria",
            "--role",
            "account_manager",
            "--email",
            "m@example.com",
            "--password-stdin",
        ],
        input="a-long-pass-phrase-42\n",
    )
    assert result.exit_code == 0, result.output
    assert result.output == "Created user maria (role account_manager).\n"
    maria = User.objects.get(username="maria")
    assert (maria.role, maria.email, maria.check_password("a-long-pass-phrase-42")) == (
        "account_manager",
        "m@example.com",
        True,
    )


def test_users_create_without_a_terminal_generates_and_prints_a_password(db):
    result = runner.invoke(app, ["users", "create", "victor", "--role", "viewer"])
    assert result.exit_code == 0, result.output
    password = next(
        line.split("password:")[1].strip(" │")
        for line in result.output.splitlines()
        if "password:" in line
    )
    assert User.objects.get(username="victor").check_password(password) is True


def test_users_create_with_a_bad_role_is_a_usage_error_naming_the_option(db):
    result = runner.invoke(app, ["users", "create", "x", "--role", "boss"])
    assert result.exit_code == 2
    assert "--role" in result.output
    assert "must be one of admin, manager, account_manager, support_agent, marketer, viewer" in (
        " ".join(result.output.replace("│", " ").split())
    )
    assert User.objects.count() == 0


def test_users_create_with_a_taken_username_is_a_red_error_and_exit_1(db):
    runner.invoke(app, ["users", "create", "ana", "--role", "viewer"])
    result = runner.invoke(app, ["users", "create", "ANA", "--role", "viewer"])
    assert (result.exit_code, result.output) == (1, "Error: username: 'ANA' is already taken\n")


def test_import_with_a_bad_row_prints_every_rejected_row_and_imports_nothing(db, tmp_path):
    # given a parties file with two bad rows
    file = _write(
        tmp_path / "parties.csv",
        "given_name,email,marketing_consent\nAna,ana@example.com,yes\nIon,ion@,no\n"
        "Eva,eva@example.com,maybe\n",
    )

    # when it is imported, then exit 1, each rejected line printed, nothing written
    result = runner.invoke(app, ["import", "parties", str(file)])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "line 3: email: 'ion@' is not a valid email address",
        "line 4: marketing_consent: 'maybe' is not yes/no/true/false/1/0",
        "Nothing was imported: 2 of 3 rows rejected. Fix them, or give --skip-invalid to "
        "import the valid rows.",
    ]
    assert Party.objects.count() == 0

    # when it is imported with --skip-invalid, then the good row is imported
    result = runner.invoke(app, ["import", "parties", str(file), "--skip-invalid"])
    assert result.exit_code == 0
    assert result.output.splitlines()[-1] == (
        f"Imported {file}: 1 parties created, 0 updated, 0 unchanged, 2 rows rejected."
    )
    assert list(Party.objects.values_list("display_name", flat=True)) == ["Ana"]


def test_import_refuses_an_unknown_column_naming_it(db, tmp_path):
    file = _write(tmp_path / "parties.csv", "given_name,emial\nAna,ana@example.com\n")
    result = runner.invoke(app, ["import", "parties", str(file)])
    assert result.exit_code == 1
    assert result.output.startswith("Error: columns: unknown column 'emial'; expected some of:")


def test_import_of_a_missing_file_is_a_usage_error(db, tmp_path):
    result = runner.invoke(app, ["import", "parties", str(tmp_path / "nope.csv")])
    assert result.exit_code == 2


def test_import_shopify_orders_with_skip_invalid(db):
    result = runner.invoke(
        app, ["import", "orders", str(SHOPIFY), "--format", "shopify", "--skip-invalid"]
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "line 6: Financial Status: 'pending' orders are not paid yet; import them once "
        "Shopify says paid",
        f"Imported {SHOPIFY}: 4 orders created, 0 updated, 0 unchanged, 4 parties created, "
        "1 rows rejected.",
    ]
    assert Order.objects.count() == 4


def test_export_then_import_parties_round_trips(db, tmp_path):
    # given two parties imported from a file
    source = _write(
        tmp_path / "in.csv",
        "given_name,family_name,email,tags\nAna,Popescu,ana@example.com,vip\nIon,,,\n",
    )
    assert runner.invoke(app, ["import", "parties", str(source)]).exit_code == 0

    # when they are exported and the export imported back
    out = tmp_path / "out.csv"
    exported = runner.invoke(app, ["export", "parties", str(out)])
    again = runner.invoke(app, ["import", "parties", str(out)])

    # then the export holds both and the re-import changes nothing
    assert exported.output == f"Exported 2 parties to {out}.\n"
    assert len(out.read_text().splitlines()) == 3
    assert again.output.splitlines()[-1] == (
        f"Imported {out}: 0 parties created, 0 updated, 2 unchanged, 0 rows rejected."
    )
    assert Party.objects.count() == 2


@pytest.mark.parametrize("command", [["export", "orders"], ["export", "parties"]])
def test_export_to_an_unwritable_place_is_a_red_error(db, tmp_path, command):
    result = runner.invoke(app, [*command, str(tmp_path / "missing-dir" / "x.csv")])
    assert result.exit_code == 1
    assert result.output.startswith("Error: file: cannot write ")
