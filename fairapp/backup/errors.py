"""The one error of backups and restores: a stable code and a message for the person at the console."""

import click


class BackupError(click.ClickException):
    """A backup or restore could not be done; nothing was changed unless the message says so. A
    ClickException: the command prints the message alone and exits with status 1."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
