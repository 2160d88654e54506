"""The `clientela` command: init, demo, serve, users, import, export.

Thin by design: each command parses its options, calls one service or selector, and
renders the result with rich. Django is set up lazily inside the commands (after
`--data-dir` has been applied), and never re-pointed when it is already set up (under the
test suite), so the same commands run in-process in tests. Bad input never shows a
traceback: an ApplicationError is a red message naming the field and exit code 1; a usage
error (a bad option value) is exit code 2.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from clientela import __version__
from clientela.analytics.analyze_cli import analyze, demo_analyse
from clientela.analytics.value_cli import value_app
from clientela.api.tokens_cli import tokens_app
from clientela.core.errors import ApplicationError
from clientela.growth.classify_cli import SCORE_COLUMNS, classify, export_scores
from clientela.worker import desk_app, worker

app = typer.Typer(
    name="clientela",
    help="Clientela: a CRM that knows the difference between a client and a customer.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
users_app = typer.Typer(help="Manage staff users.", no_args_is_help=True)
import_app = typer.Typer(
    help="Import parties, orders or activities from CSV.", no_args_is_help=True
)
export_app = typer.Typer(help="Export parties, orders or scores to CSV.", no_args_is_help=True)
app.add_typer(users_app, name="users")
app.add_typer(import_app, name="import")
app.add_typer(export_app, name="export")
app.add_typer(value_app, name="value", help="Customer value models on any transaction CSV.")
app.add_typer(tokens_app, name="tokens")
app.add_typer(desk_app, name="desk")
app.command()(analyze)
app.command()(classify)
export_app.command("scores")(export_scores)
app.command()(worker)

PROGRESS_FROM_ROWS = 200  # files with fewer rows import too fast for a progress bar


class Business(StrEnum):
    agency = "agency"
    cafe = "cafe"
    bank = "bank"


class Size(StrEnum):
    small = "small"
    medium = "medium"
    large = "large"


class OrderFormat(StrEnum):
    csv = "csv"
    shopify = "shopify"


DataDir = typer.Option(
    None,
    "--data-dir",
    help="Directory holding the SQLite database and the secret key "
    "(default: $CLIENTELA_DATA_DIR, else ./clientela-data).",
    file_okay=False,
)
SkipInvalid = typer.Option(
    False, "--skip-invalid", help="Import the valid rows and report the rejected ones."
)
SizeOpt = Annotated[Size, typer.Option("--size", help="Demo size.")]
SeedOpt = Annotated[int, typer.Option("--seed", help="Demo seed (same seed, same data).")]
PortOpt = Annotated[int, typer.Option("--port", help="Port to listen on.")]
OutFile = Annotated[Path, typer.Argument(dir_okay=False, help="CSV file to write.")]
InFile = typer.Argument(..., exists=True, dir_okay=False, readable=True, help="CSV file to read.")


def _out() -> Console:
    return Console(soft_wrap=True, highlight=False)


def _err() -> Console:
    return Console(stderr=True, soft_wrap=True, highlight=False)


def _version(value: bool) -> None:
    if value:
        _out().print(f"clientela {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """Clientela: a CRM that knows the difference between a client and a customer."""


def _setup(data_dir: Path | None) -> None:
    """Configure Django once. Already set up (the test suite): leave the database alone."""
    from django.apps import apps

    if apps.ready:
        return
    if data_dir is not None:
        os.environ["CLIENTELA_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clientela.config.settings")
    import django

    django.setup()


@contextmanager
def _handled() -> Iterator[None]:
    """Bad input and an unreachable database become one red line and exit code 1."""
    from django.db import DatabaseError

    try:
        yield
    except ApplicationError as exc:
        _err().print(f"[red]Error:[/red] {escape(exc.message)}")
        raise typer.Exit(1) from None
    except UnicodeDecodeError:
        _err().print("[red]Error:[/red] file: is not UTF-8 text")
        raise typer.Exit(1) from None
    except DatabaseError as exc:
        _err().print(f"[red]Error:[/red] database: {escape(str(exc).strip())}")
        raise typer.Exit(1) from None


def _pending_migrations() -> int:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def _require_initialised() -> None:
    if _pending_migrations():
        _err().print("[red]Error:[/red] the database is not initialised: run clientela init first.")
        raise typer.Exit(1)


@contextmanager
def _progress_bar(enabled: bool = True) -> Iterator[Callable[[str, int, int], None] | None]:
    """A rich progress bar with one task per step label; yields the `progress` callback."""
    if not enabled:
        yield None
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=_err()) as bar:
        tasks: dict[str, int] = {}

        def progress(label: str, done: int, total: int) -> None:
            if label not in tasks:
                tasks[label] = bar.add_task(label, total=total)
            bar.update(tasks[label], completed=done, total=total)

        yield progress


# ---------------------------------------------------------------- init, demo, serve


@app.command()
def init(
    data_dir: Path | None = DataDir,
    demo: Annotated[Business | None, typer.Option("--demo", help="Load a demo business.")] = None,
    size: SizeOpt = Size.small,
    seed: SeedOpt = 42,
) -> None:
    """Create the database and the first admin user (and optionally a demo business)."""
    _init(data_dir, demo, size, seed)


def _init(data_dir: Path | None, demo: Business | None, size: Size, seed: int) -> None:
    _setup(data_dir)
    from django.conf import settings
    from django.core.management import call_command

    from clientela.accounts.models import Role, User
    from clientela.accounts.services import user_create

    out = _out()
    with _handled():
        call_command("migrate", verbosity=0, interactive=False)
        where = settings.DATABASES["default"]["NAME"]
        if User.objects.filter(role=Role.ADMIN).exists():
            out.print(f"The database is already initialised ({where}); nothing to do.")
            if demo is not None:
                out.print(
                    "[yellow]The demo was not loaded:[/yellow] this database already holds "
                    "data. Use a new --data-dir for a fresh demo."
                )
            return
        user, password = user_create(actor=None, username="admin", role=Role.ADMIN)
    out.print(f"Initialised the database ({where}).")
    out.print(
        Panel(
            f"username: [bold]{user.username}[/bold]\npassword: [bold]{password}[/bold]\n\n"
            "Shown only once: keep it somewhere safe.",
            title="Admin user",
            expand=False,
        )
    )
    if demo is not None:
        _demo_load(demo, size, seed)


def _demo_load(demo: Business, size: Size, seed: int) -> None:
    from clientela.demo import demo_load

    out = _out()
    with _handled(), _progress_bar() as progress:
        summary = demo_load(business=demo.value, size=size.value, seed=seed, progress=progress)
    counts = Table(title=f"Demo: {summary.business} ({summary.size})")
    counts.add_column("records")
    counts.add_column("count", justify="right")
    for name, count in [*summary.counts.items(), *summary.desk.items()]:
        counts.add_row(name, f"{count:,}")
    out.print(counts)
    users = Table(title="Demo users (passwords shown only once)")
    for column in ("username", "role", "password"):
        users.add_column(column)
    for username, role, password in summary.users:
        users.add_row(username, role, password)
    out.print(users)
    demo_analyse()


@app.command()
def demo(
    data_dir: Path | None = DataDir,
    business: Annotated[Business, typer.Option("--demo", help="The demo business.")] = (
        Business.bank
    ),
    size: SizeOpt = Size.small,
    seed: SeedOpt = 42,
    port: PortOpt = 8000,
) -> None:
    """Initialise with a demo business, then serve it on 127.0.0.1."""
    _init(data_dir, business, size, seed)
    _serve("127.0.0.1", port)


@app.command()
def serve(
    data_dir: Path | None = DataDir,
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: PortOpt = 8000,
) -> None:
    """Serve the web app with waitress (the database must be initialised)."""
    _setup(data_dir)
    with _handled():
        _require_initialised()
    _serve(host, port)


def _serve(host: str, port: int) -> None:
    from waitress import serve as waitress_serve

    from clientela.config.wsgi import application

    shown = f"[{host}]" if ":" in host else host
    out = _out()
    out.print(f"Clientela is running at [bold]http://{shown}:{port}/[/bold] (Ctrl+C stops it).")
    if host not in {"127.0.0.1", "localhost", "::1"}:
        out.print("Set CLIENTELA_ALLOWED_HOSTS to the name clients use to reach this address.")
    sys.stdout.flush()
    waitress_serve(application, host=host, port=port, threads=8, ident="clientela")


# ---------------------------------------------------------------- users


@users_app.command("create")
def users_create(
    username: str = typer.Argument(..., help="The new user's username."),
    role: str = typer.Option(..., "--role", help="admin, manager, account_manager, ..."),
    email: str = typer.Option("", "--email", help="Email address."),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the password from standard input."
    ),
    data_dir: Path | None = DataDir,
) -> None:
    """Create a staff user. Without --password-stdin: prompt on a terminal, else generate."""
    _setup(data_dir)
    from clientela.accounts.models import Role
    from clientela.accounts.services import user_create

    if role not in Role.values:
        raise typer.BadParameter(f"must be one of {', '.join(Role.values)}", param_hint="'--role'")
    password, generated = None, False
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise typer.BadParameter(
                "standard input gave no password", param_hint="'--password-stdin'"
            )
    elif sys.stdin.isatty():
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        generated = True
    with _handled():
        _require_initialised()
        user, password = user_create(
            actor=None, username=username, role=role, email=email, password=password
        )
    out = _out()
    out.print(f"Created user [bold]{escape(user.username)}[/bold] (role {user.role}).")
    if generated:
        out.print(
            Panel(f"password: [bold]{password}[/bold]", title="Shown only once", expand=False)
        )


# ---------------------------------------------------------------- import, export


def _read_rows(file: Path, **kwargs):
    from clientela.transfer.csv_formats import csv_rows_read

    with open(file, newline="", encoding="utf-8-sig") as stream:
        return csv_rows_read(stream, **kwargs)


def _import(file: Path, data_dir: Path | None, read: dict, run: Callable) -> None:
    _setup(data_dir)
    with _handled():
        _require_initialised()
        rows = _read_rows(file, **read)
        with _progress_bar(len(rows) >= PROGRESS_FROM_ROWS) as progress:
            report = run(rows=rows, progress=progress)
    _report_print(report, file)


def _report_print(report, file: Path) -> None:
    out, err = _out(), _err()
    for row in report.rejected:
        err.print(f"[red]line {row.line}:[/red] {escape(row.reason)}")
    if not report.applied:
        err.print(
            f"[red]Nothing was imported:[/red] {len(report.rejected)} of {report.rows} rows "
            "rejected. Fix them, or give --skip-invalid to import the valid rows."
        )
        raise typer.Exit(1)
    summary = (
        f"Imported {escape(str(file))}: {report.created} {report.entity} created, "
        f"{report.updated} updated, {report.unchanged} unchanged"
    )
    if report.parties_created:
        summary += f", {report.parties_created} parties created"
    out.print(summary + f", {len(report.rejected)} rows rejected.")


@import_app.command("parties")
def import_parties(
    file: Path = InFile, skip_invalid: bool = SkipInvalid, data_dir: Path | None = DataDir
) -> None:
    """Import parties (columns in docs/cli.md). Known external ids and emails: unchanged."""
    from clientela.transfer.csv_formats import PARTY_COLUMNS
    from clientela.transfer.services import parties_import

    _import(
        file,
        data_dir,
        {"columns": PARTY_COLUMNS},
        lambda **kw: parties_import(actor=None, skip_invalid=skip_invalid, **kw),
    )


@import_app.command("orders")
def import_orders(
    file: Path = InFile,
    format: Annotated[OrderFormat, typer.Option("--format", help="csv or shopify.")] = (
        OrderFormat.csv
    ),
    skip_invalid: bool = SkipInvalid,
    create_parties: bool = typer.Option(
        False, "--create-parties", help="Create unknown payers as customers (csv format)."
    ),
    data_dir: Path | None = DataDir,
) -> None:
    """Import orders from our CSV format or from Shopify's orders export."""
    from clientela.transfer.csv_formats import ORDER_COLUMNS
    from clientela.transfer.services import orders_import, shopify_orders_import
    from clientela.transfer.shopify import SHOPIFY_COLUMNS, SHOPIFY_REQUIRED

    if format == OrderFormat.shopify:
        read = {"columns": SHOPIFY_COLUMNS, "required": SHOPIFY_REQUIRED, "strict": False}

        def run(**kw):
            return shopify_orders_import(actor=None, skip_invalid=skip_invalid, **kw)

    else:
        read = {
            "columns": ORDER_COLUMNS,
            "required": ("external_id", "placed_at", "currency"),
            "one_of": (("payer_email", "payer_external_id"), ("description", "sku")),
        }

        def run(**kw):
            return orders_import(
                actor=None, skip_invalid=skip_invalid, create_parties=create_parties, **kw
            )

    _import(file, data_dir, read, run)


@import_app.command("activities")
def import_activities(
    file: Path = InFile, skip_invalid: bool = SkipInvalid, data_dir: Path | None = DataDir
) -> None:
    """Import activities onto their parties' timelines."""
    from clientela.transfer.csv_formats import ACTIVITY_COLUMNS
    from clientela.transfer.services import activities_import

    read = {
        "columns": ACTIVITY_COLUMNS,
        "required": ("kind", "occurred_at"),
        "one_of": (("party_email", "party_external_id"),),
    }
    _import(
        file,
        data_dir,
        read,
        lambda **kw: activities_import(actor=None, skip_invalid=skip_invalid, **kw),
    )


def _export(file: Path, data_dir: Path | None, entity: str) -> None:
    _setup(data_dir)
    from clientela.growth import selectors as growth_selectors
    from clientela.transfer import selectors
    from clientela.transfer.csv_formats import ORDER_COLUMNS, PARTY_COLUMNS, csv_rows_write

    columns, rows = {
        "parties": (PARTY_COLUMNS, selectors.parties_export_rows),
        "orders": (ORDER_COLUMNS, selectors.orders_export_rows),
        "scores": (SCORE_COLUMNS, growth_selectors.radar_rows_export),
    }[entity]
    with _handled():
        _require_initialised()
        try:
            with open(file, "w", newline="", encoding="utf-8") as stream:
                count = csv_rows_write(stream, columns=columns, rows=rows())
        except OSError as exc:
            _err().print(
                f"[red]Error:[/red] file: cannot write {escape(str(file))} ({exc.strerror})"
            )
            raise typer.Exit(1) from None
    _out().print(
        f"Exported {count} {'rows' if entity == 'orders' else entity} to {escape(str(file))}."
    )


@export_app.command("parties")
def export_parties(file: OutFile, data_dir: Path | None = DataDir) -> None:
    """Export every party, in the columns `clientela import parties` reads."""
    _export(file, data_dir, "parties")


@export_app.command("orders")
def export_orders(
    file: OutFile,
    data_dir: Path | None = DataDir,
) -> None:
    """Export every order line, in the columns `clientela import orders` reads."""
    _export(file, data_dir, "orders")


def main() -> None:
    app()
