"""flask --app fairapp privacy purge [--months N] [--dry-run]: retention of job seekers' data, erased in
one transaction (a dry run rolls back)."""

import click
from flask import current_app
from flask.cli import AppGroup

from fairapp.fairs.services import to_local
from fairapp.privacy import services
from fairapp.transactions import run_in_transaction

privacy_cli = AppGroup("privacy", help="Job seekers' personal data: retention.")


@privacy_cli.command("purge")
@click.option(
    "--months",
    type=click.IntRange(min=1),
    default=None,
    help="Erase people not seen at any fair for this many months "
    "(default: the PRIVACY_RETENTION_MONTHS setting).",
)
@click.option("--dry-run", is_flag=True, help="List who would be erased; change nothing.")
def purge_command(months, dry_run):
    """Anonymise people not seen at any fair (registered, checked in or created) for the retention
    period. Erased people keep their counts; running it again erases nobody new."""
    months = months or current_app.config["PRIVACY_RETENTION_MONTHS"]
    result = run_in_transaction(lambda: services.purge(months=months, dry_run=dry_run), writes=not dry_run)
    since = to_local(result.cutoff).strftime("%d/%m/%Y %H:%M")
    verb = "would erase" if dry_run else "erased"
    click.echo(
        f"privacy purge: {verb} {len(result.attendee_ids)} people not seen since {since} "
        f"({months} months){' [dry run: nothing changed]' if dry_run else ''}"
    )
    if result.attendee_ids:
        click.echo("attendee ids: " + ", ".join(str(i) for i in result.attendee_ids))
