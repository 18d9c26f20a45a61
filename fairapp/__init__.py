"""fairapp: mobile job fairs for Vietnamese wards and communes."""

import importlib
import os
from pathlib import Path

from flask import Flask

from fairapp.transactions import FairApp

ROOT = Path(__file__).resolve().parent.parent
# Modules whose routes go on their area's one blueprint (fairapp.<area>.blueprint), imported for that.
ROUTES_ON_SHARED_BLUEPRINTS = (
    "fairapp.partners.views",
    "fairapp.partners.moderation_views",
    "fairapp.public.views",
    "fairapp.public.register_views",
    "fairapp.public.lost_ticket_views",
    "fairapp.registrations.views",
    "fairapp.registrations.desk_views",
    "fairapp.registrations.rights_views",
    "fairapp.tickets.views",
    "fairapp.tickets.details_views",
    "fairapp.tickets.changes_views",
    "fairapp.tickets.rights_views",
    "fairapp.tickets.messages_views",
    "fairapp.interviews.consent_views",
    "fairapp.interviews.views",
    "fairapp.interviews.list_views",
    "fairapp.interviews.match_views",
    "fairapp.outcomes.hire_views",
    "fairapp.outcomes.staff_views",
    "fairapp.outcomes.call_views",
    "fairapp.outcomes.public_views",
    "fairapp.plans.views",
    "fairapp.plans.budget_views",
    "fairapp.plans.cost_views",
    "fairapp.outreach.import_views",
    "fairapp.outreach.conflict_views",
    "fairapp.outreach.call_views",
    "fairapp.outreach.labour_views",
)


def create_app(test_config: dict | None = None) -> Flask:
    """Build the application. Configuration, extensions, blueprints, CLI and error handlers;
    no database work happens here."""
    app = FairApp(
        __name__,
        instance_path=os.environ.get("FAIRAPP_INSTANCE_PATH") or str(ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    # Owner-only: it holds the SQLite database, the secret key and the ticket signing key. A checkout's
    # instance/ comes from git readable by everyone (0755): ours, so it is tightened too.
    instance = Path(app.instance_path)
    instance.mkdir(mode=0o700, parents=True, exist_ok=True)
    status = instance.stat()
    if status.st_mode & 0o077 and status.st_uid == os.getuid():
        instance.chmod(0o700)

    from fairapp import config, ids, jsonbody

    config.load(app, test_config)
    app.json = jsonbody.JSONProvider(app)  # request bodies nested past a sane depth: 400 invalid_json
    app.url_map.converters["int"] = ids.IdConverter  # before any route: ids past the database's are 404

    _init_extensions(app)
    from fairapp.checkins.api import refuse_revoked_devices

    app.before_request(refuse_revoked_devices)  # first: a revoked device learns nothing else
    _register_blueprints(app)
    _register_cli(app)

    from fairapp import errors, i18n, security, templating

    errors.register(app)
    i18n.register(app)
    templating.register(app)
    security.register(app)
    return app


def _init_extensions(app: Flask) -> None:
    import fairapp.models  # noqa: F401  (every table on the metadata, for Alembic)
    from fairapp import csrf_masking, database, staticfiles
    from fairapp.auth import session as auth_session
    from fairapp.extensions import babel, compress, csrf, db, limiter, login_manager, migrate
    from fairapp.i18n import select_locale
    from fairapp.worker import queue as worker

    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = database.engine_options(app)
    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            database.configure_sqlite(db.engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])
        database.guard_connect_errors(db.engine)  # one line, not a traceback, when it is down
    migrate.init_app(
        app, db, directory=str(Path(__file__).parent / "migrations"), render_as_batch=True, compare_type=True
    )
    # Registered first, so its after_request runs last: it compresses the body every other step made.
    compress.init_app(app)
    csrf_masking.init_app(app)  # before CSRFProtect: a masked token is unmasked before it is checked
    csrf.init_app(app)
    staticfiles.init_app(app)
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(Path(__file__).parent / "translations"),
    )
    limiter.init_app(app)
    auth_session.init_app(app, login_manager)
    worker.init_app(app)


def _register_blueprints(app: Flask) -> None:
    from fairapp.api import init_api
    from fairapp.attendees.views import bp as attendees_bp
    from fairapp.audit.views import bp as audit_bp
    from fairapp.auth import account_views, admin_views, two_factor_views
    from fairapp.auth.views import bp as auth_bp
    from fairapp.booths.views import bp as booths_bp
    from fairapp.checkins.admin_views import bp as checkin_admin_bp
    from fairapp.checkins.views import bp as checkins_bp
    from fairapp.fairs.views import bp as fairs_bp
    from fairapp.geo.views import bp as geo_bp
    from fairapp.interviews.blueprint import bp as interviews_bp
    from fairapp.kiosk.views import bp as kiosk_bp
    from fairapp.live.views import bp as live_bp
    from fairapp.main.views import bp as main_bp
    from fairapp.messages.views import bp as messages_bp
    from fairapp.outcomes.blueprint import bp as outcomes_bp
    from fairapp.outreach.blueprint import bp as outreach_bp
    from fairapp.partners.blueprint import bp as partners_bp
    from fairapp.partners.import_views import bp as partner_import_bp
    from fairapp.plans.blueprint import bp as plans_bp
    from fairapp.public.blueprint import bp as public_bp
    from fairapp.registrations.blueprint import bp as registrations_bp
    from fairapp.reports.dashboard_views import bp as dashboard_bp
    from fairapp.reports.public_views import bp as public_results_bp
    from fairapp.reports.views import bp as reports_bp
    from fairapp.tickets.blueprint import bp as tickets_bp
    from fairapp.webhooks.views import bp as webhooks_bp

    for module in ROUTES_ON_SHARED_BLUEPRINTS:
        importlib.import_module(module)
    for blueprint in (main_bp, auth_bp, audit_bp, geo_bp, admin_views.bp, account_views.bp):
        app.register_blueprint(blueprint)
    app.register_blueprint(two_factor_views.bp)
    app.register_blueprint(public_bp)
    app.register_blueprint(public_results_bp)
    app.register_blueprint(fairs_bp)
    app.register_blueprint(attendees_bp)
    app.register_blueprint(partners_bp)
    app.register_blueprint(booths_bp)
    app.register_blueprint(partner_import_bp)
    app.register_blueprint(tickets_bp)
    app.register_blueprint(registrations_bp)
    app.register_blueprint(checkins_bp)
    app.register_blueprint(checkin_admin_bp)
    app.register_blueprint(kiosk_bp)
    app.register_blueprint(live_bp)
    app.register_blueprint(interviews_bp)
    app.register_blueprint(outcomes_bp)
    app.register_blueprint(messages_bp)
    app.register_blueprint(dashboard_bp)
    app.register_blueprint(plans_bp)
    app.register_blueprint(outreach_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(webhooks_bp)
    init_api(app)


def _register_cli(app: Flask) -> None:
    from fairapp.auth.cli import users_cli
    from fairapp.backup.cli import backup_command, restore_command
    from fairapp.demo.cli import seed_demo_command
    from fairapp.geo.cli import geo_cli
    from fairapp.privacy.cli import privacy_cli
    from fairapp.reports.cli import reports_cli
    from fairapp.worker.cli import worker_command

    app.cli.add_command(users_cli)
    app.cli.add_command(geo_cli)
    app.cli.add_command(privacy_cli)
    app.cli.add_command(reports_cli)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(worker_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
