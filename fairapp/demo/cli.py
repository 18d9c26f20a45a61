"""flask --app fairapp seed-demo [--if-empty]: load the demo data (one transaction) and print the demo
logins."""

import click
from flask import current_app
from flask.cli import with_appcontext

from fairapp.demo.seed import DemoSummary, has_data, seed_demo
from fairapp.errors import DomainError
from fairapp.tickets import signing
from fairapp.transactions import run_in_transaction


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing (and succeed) when the database already has data.")
@with_appcontext
def seed_demo_command(if_empty: bool) -> None:
    """Load demo data for Sông Công into an empty database."""
    if if_empty and has_data():
        click.echo("The database already has data; demo data not loaded.")
        return
    try:
        summary = run_in_transaction(seed_demo)
    except DomainError as error:
        raise click.ClickException(f"{error.message} (use --if-empty to skip quietly)") from None
    # The demo's tickets are this instance's from now on: an app server refuses to start without the key
    # that signs the tickets a database holds (fairapp.wsgi, signing.check_key_at_start).
    signing.signing_key()
    click.echo(
        f"Demo data loaded: {summary.fairs} fairs, {summary.employers} employers "
        f"({summary.vacancies} vacancies), {summary.schools} schools ({summary.programmes} "
        f"programmes), {summary.booths} booths, {summary.attendees} job seekers "
        f"({summary.registrations} registrations), {summary.interviews} seen at the booths, "
        f"{summary.hires} hires to follow up (the call list: /manage/follow-ups)."
    )
    click.echo()
    click.echo(_logins_table(summary))
    if roles := current_app.config["TWO_FACTOR_REQUIRED_ROLES"]:
        click.echo()
        click.echo(
            f"Two-factor sign-in is required of: {', '.join(roles)}. Such an account sets it up at its first "
            "sign-in with any authenticator app (the page shows a QR code and the key). To try the demo "
            "without one, start with FAIRAPP_REQUIRE_TWO_FACTOR_ROLES= (empty)."
        )


def _logins_table(summary: DemoSummary) -> str:
    rows = [("email", "role", "password")]
    rows += [(email, role, summary.password) for email, role in summary.logins]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)
