"""flask --app fairapp geo load: the administrative units, in one transaction."""

import click
from flask.cli import AppGroup

from fairapp.geo import loader
from fairapp.transactions import run_in_transaction

geo_cli = AppGroup("geo", help="Administrative units.")


@geo_cli.command("load")
def load_command():
    """Load the administrative units from vietnam-provinces (only what is missing)."""
    added = run_in_transaction(loader.load_units)
    click.echo(", ".join(f"{table}: +{count}" for table, count in added.items()))
