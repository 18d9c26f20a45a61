"""The WSGI entry point for production servers: `gunicorn fairapp.wsgi:app`.

Unlike create_app(), this checks once at start that the database answers, so that a wrong URL or
a stopped server shows as one clear line (password hidden) and exit status 1, not a traceback
and not a server that fails on every request; and that the ticket signing key is here (made on a first
start; refused when the database holds tickets from a key this instance folder lacks)."""

import sys

from fairapp import create_app
from fairapp.config import ConfigError
from fairapp.database import DatabaseUnreachable, check_reachable
from fairapp.extensions import db
from fairapp.tickets import signing


def _build():
    try:
        application = create_app()
        with application.app_context():
            check_reachable(db.engine)
            signing.check_key_at_start()
            db.session.remove()
            db.engine.dispose()  # forked workers open their own connections
    except (ConfigError, DatabaseUnreachable) as error:
        print(f"fairapp: {error.format_message()}", file=sys.stderr)
        sys.exit(1)
    return application


app = _build()
