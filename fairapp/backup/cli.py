"""flask --app fairapp backup DEST; flask --app fairapp restore ARCHIVE [--force].

The passphrase comes from --passphrase-file (its first line), else the environment variable
FAIRAPP_BACKUP_PASSPHRASE, else a prompt on the terminal; never from the command line, where the
process list and the shell history would show it."""

import os
import stat
import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from fairapp.backup import operations
from fairapp.backup.errors import BackupError

PASSPHRASE_VARIABLE = "FAIRAPP_BACKUP_PASSPHRASE"
MIN_PASSPHRASE = 12

_passphrase_file = click.option(
    "--passphrase-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help=f"Read the passphrase from this file's first line (else ${PASSPHRASE_VARIABLE}, else a prompt).",
)


def read_passphrase(passphrase_file: Path | None, *, new: bool) -> str:
    if passphrase_file is not None:
        if passphrase_file.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
            click.echo(f"warning: {passphrase_file} can be read by others (chmod 600 it)", err=True)
        lines = passphrase_file.read_text(encoding="utf-8").splitlines()
        passphrase = lines[0] if lines else ""
    elif os.environ.get(PASSPHRASE_VARIABLE):
        passphrase = os.environ[PASSPHRASE_VARIABLE]
    elif sys.stdin.isatty():
        passphrase = click.prompt("Backup passphrase", hide_input=True, confirmation_prompt=new)
    else:
        raise BackupError(
            "no_passphrase", f"no passphrase: give --passphrase-file PATH or set {PASSPHRASE_VARIABLE}"
        )
    if not passphrase:
        raise BackupError("no_passphrase", "the passphrase is empty")
    if new and len(passphrase) < MIN_PASSPHRASE:
        raise BackupError("weak_passphrase", f"the passphrase must have at least {MIN_PASSPHRASE} characters")
    return passphrase


@click.command("backup")
@click.argument("destination", metavar="DEST", type=click.Path(path_type=Path))
@_passphrase_file
@with_appcontext
def backup_command(destination: Path, passphrase_file: Path | None) -> None:
    """Write the database and the instance folder's keys to one encrypted archive: DEST, or a new
    fairapp-backup-<UTC time>.tar inside DEST when it is a folder. The application may keep running."""
    result = operations.create_backup(destination, read_passphrase(passphrase_file, new=True))
    database = result.manifest["database"]
    click.echo(f"backup written: {result.path} ({_size(result.size)})")
    click.echo(
        f"  database: {database['kind']}, revision {database['revision']}, {len(database['tables'])} tables, "
        f"{database['rows']:,} rows"
    )
    click.echo(f"  instance files: {', '.join(result.manifest['instance_files']) or 'none'}")
    click.echo(f"  not included: {'; '.join(result.manifest['not_included'])}")


@click.command("restore")
@click.argument(
    "archive_path", metavar="ARCHIVE", type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@_passphrase_file
@click.option("--force", is_flag=True, help="Replace a database that already holds data.")
@click.option("--check", is_flag=True, help="Check the archive and the database inside it; change nothing.")
@with_appcontext
def restore_command(archive_path: Path, passphrase_file: Path | None, force: bool, check: bool) -> None:
    """Restore a backup archive into the configured database and the instance folder. Stop the
    application and its worker first. Refuses a database that holds data unless --force."""
    passphrase = read_passphrase(passphrase_file, new=False)
    if check:
        manifest = operations.check_archive(archive_path, passphrase)
        database = manifest["database"]
        click.echo(
            f"archive OK: {archive_path} (made {manifest['created_at']} by fairapp {manifest['version']}; "
            f"{database['kind']}, {len(database['tables'])} tables, {database['rows']:,} rows; "
            f"instance files: {', '.join(manifest['instance_files']) or 'none'})"
        )
        return
    result = operations.restore_backup(archive_path, passphrase, force=force)
    manifest, files = result.manifest, result.files
    click.echo(f"restored {archive_path} (made {manifest['created_at']} by fairapp {manifest['version']})")
    click.echo(
        f"  database: {manifest['database']['kind']}, {len(result.contents.tables)} tables, "
        f"{result.contents.rows:,} rows, revision {result.contents.revision}"
    )
    for label, names in (
        ("instance files written", [name for name in files.written if name not in files.beside]),
        ("instance files unchanged", files.unchanged),
        ("the instance's own, set aside", files.set_aside),
    ):
        if names:
            click.echo(f"  {label}: {', '.join(names)}")
    for name in files.beside:
        click.echo(f"  the archive's settings were written to {name}: compare them with config.py")
    if result.upgrade_needed:
        click.echo("  the database is older than this version: run `flask --app fairapp db upgrade` now")


def _size(size: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:,} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    raise AssertionError("unreachable")
