import click
from flask.cli import AppGroup

from fairapp.extensions import db
from fairapp.geo import loader

geo_cli = AppGroup("geo", help="Administrative units.")


@geo_cli.command("load")
def load_command():
    """Load the administrative units from vietnam-provinces (only what is missing)."""
    added = loader.load_units()
    db.session.commit()
    click.echo(", ".join(f"{table}: +{count}" for table, count in added.items()))
