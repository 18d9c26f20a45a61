"""What every template may use beyond Flask's own, registered on the app here and nowhere else (create_app
calls register): the navigation and the signed-in account, and each area's helpers by name."""

from flask import Flask

from fairapp.attendees.consent import labour_information
from fairapp.auth.admin_views import no_wards, ward_admins
from fairapp.booths.forms import STATUS_LABELS as BOOTH_STATUS_LABELS
from fairapp.booths.models import BoothStatus
from fairapp.checkins.services import checked_in_count
from fairapp.geo.views import ward_choices, ward_label
from fairapp.interviews.consent_views import ticket_booth_consents
from fairapp.interviews.match_views import ticket_suggestions, walk_in_suggestions
from fairapp.main import nav
from fairapp.outcomes.public_views import ticket_job
from fairapp.partners import forms as partner_forms
from fairapp.partners.models import PartnerStatus
from fairapp.partners.services import partners_contact
from fairapp.registrations.desk_views import citizen_id_conflict, desk_pending_count
from fairapp.tickets.changes_views import ticket_changes


def register(app: Flask) -> None:
    nav.register(app)  # instead of Flask-Login's processor: current_user stays a lazy proxy
    app.jinja_env.globals.update(
        # accounts (an organiser without wards is told whom to ask)
        no_wards=no_wards,
        ward_admins=ward_admins,
        # wards
        ward_choices=ward_choices,
        ward_label=ward_label,
        # employers, schools and their booths
        partner_status=lambda status: partner_forms.STATUS_LABELS[PartnerStatus(status)],
        vacancy_status=lambda status: partner_forms.VACANCY_STATUS_LABELS[status],
        education_label=lambda level: partner_forms.EDUCATION_LABELS.get(level, ""),
        level_label=lambda level: partner_forms.LEVEL_LABELS.get(level, ""),
        partners_contact=partners_contact,
        booth_status=lambda status: BOOTH_STATUS_LABELS[BoothStatus(status)],
        # registrations, tickets and check-ins
        citizen_id_conflict=citizen_id_conflict,
        desk_pending_count=desk_pending_count,
        ticket_changes=ticket_changes,
        checked_in_count=checked_in_count,
        labour_consent_text=labour_information,
        # job suggestions and booth consents (the ticket page and the walk-in desk show them; the
        # tickets and attendees areas sit below interviews and do not import it)
        ticket_suggestions=ticket_suggestions,
        walk_in_suggestions=walk_in_suggestions,
        ticket_booth_consents=ticket_booth_consents,
        # "Bạn đã có việc làm chưa?" on the ticket page (the outcomes area sits above tickets)
        ticket_job=ticket_job,
    )
