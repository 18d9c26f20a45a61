"""flask --app fairapp users create EMAIL --role ROLE --password PW; users token EMAIL; users unlock LOGIN;
users reset-2fa LOGIN.
Each command's writes are one transaction (fairapp.transactions.run_in_transaction)."""

import click
from flask.cli import AppGroup

from fairapp.auth import services, throttle, two_factor
from fairapp.errors import DomainError
from fairapp.transactions import run_in_transaction

users_cli = AppGroup("users", help="Accounts and API tokens.")


def _fail(error: DomainError) -> None:
    details = "; ".join(f"{field}: {text}" for field, text in error.fields.items())
    raise click.ClickException(f"{error.message}" + (f" ({details})" if details else ""))


@users_cli.command("create")
@click.argument("login")
@click.option(
    "--role", required=True, type=click.Choice(["admin", "organiser", "gate", "employer", "school"])
)
@click.option("--password", required=True)
@click.option("--name", "full_name", default=None, help="Full name (default: the login).")
@click.option("--phone", default=None)
@click.option("--ward", "wards", multiple=True, help="Ward code an organiser may act in.")
@click.option("--employer-id", type=int, default=None)
@click.option("--school-id", type=int, default=None)
def create_command(login, role, password, full_name, phone, wards, employer_id, school_id):
    """Create an account that signs in with LOGIN (an email, or a phone number)."""
    email = login if "@" in login else None
    phone = phone or (None if email else login)
    try:
        user = run_in_transaction(
            lambda: services.create_user(
                email=email,
                phone=phone,
                full_name=full_name or login,
                role=role,
                password=password,
                ward_codes=wards,
                employer_id=employer_id,
                school_id=school_id,
            )
        )
    except DomainError as error:
        _fail(error)
    click.echo(f"created user {user.id} ({user.role.value}) {user.login_name}")


@users_cli.command("token")
@click.argument("login")
@click.option("--name", default="cli", help="A label to tell tokens apart.")
def token_command(login, name):
    """Print a new API token for LOGIN, alone on its line."""

    def issue() -> str:
        user = services.find_by_login(login)
        if user is None or not user.active:
            raise click.ClickException(f"no active account {login}")
        _token, secret = services.issue_token(user, name)
        return secret

    click.echo(run_in_transaction(issue))


@users_cli.command("unlock")
@click.argument("login")
def unlock_command(login):
    """Forget LOGIN's failed sign-ins: its wait ends at once, from any address."""

    def unlock() -> tuple[str, int]:
        user = services.find_by_login(login)
        if user is None:
            raise click.ClickException(f"no account {login}")
        return user.login_name, throttle.forget_account(throttle.Rules.of_app(), user.id)

    name, dropped = run_in_transaction(unlock)
    click.echo(f"unlocked {name} (failure counts dropped: {dropped})")


@users_cli.command("reset-2fa")
@click.argument("login")
def reset_two_factor_command(login):
    """Switch off LOGIN's two-factor sign-in (a lost phone): its authenticator and recovery codes are
    dropped and its sessions end; an account whose role requires it enrols again at its next sign-in."""

    def reset() -> tuple[str, bool]:
        user = services.find_by_login(login)
        if user is None:
            raise click.ClickException(f"no account {login}")
        return user.login_name, two_factor.disable(user, reason="command line")

    name, had = run_in_transaction(reset)
    click.echo(f"two-factor sign-in reset for {name}" + ("" if had else " (it had none)"))
