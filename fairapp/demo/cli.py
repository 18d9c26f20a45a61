import click


@click.command("seed-demo")
def seed_demo_command():
    """Load demo data into an empty database."""
    click.echo("not yet")
