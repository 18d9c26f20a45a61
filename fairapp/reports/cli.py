"""flask --app fairapp reports rebuild: compute every person's reach rows again (after the follow-up
months changed in the settings, or to check them): everyone noted, then counted as the worker does."""

import click
from flask.cli import AppGroup

from fairapp.reports import reach
from fairapp.transactions import run_in_transaction, write_point

reports_cli = AppGroup("reports", help="Outcome reports.")


@reports_cli.command("rebuild")
def rebuild_command():
    """Compute again, from the records, the people each step of the funnel reached."""

    def note_everyone() -> int:
        write_point()
        return reach.settings_changed()

    people = run_in_transaction(note_everyone)
    reach.drain()
    click.echo(f"reports rebuild: {people} people counted again")
