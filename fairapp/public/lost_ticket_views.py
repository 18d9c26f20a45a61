""" "Lost your ticket?" at /fairs/<id>/lost-ticket, on the `public` blueprint.

Phone and year of birth find the registrations for the fair (services.find_lost_tickets). A person
with a household code or a citizen ID on record gets the link only after a second factor that whoever
found out their phone and birth year lacks: the household code, or the citizen ID's last four digits.
A wrong one shows no link, is audited and counts toward the limits per phone and per address like
any other lookup. Names are shown only on the links the visitor has earned."""

from flask import current_app, render_template, request
from flask_babel import lazy_gettext as _l
from wtforms import StringField

from fairapp.attendees import services
from fairapp.attendees.forms import LostTicketForm
from fairapp.attendees.limits import phone_key
from fairapp.attendees.validation import clean_birth_year, clean_phone
from fairapp.auth.access import public
from fairapp.auth.session import request_origin
from fairapp.extensions import limiter
from fairapp.fairs import services as fair_services
from fairapp.public.blueprint import bp
from fairapp.tickets.views import ticket_url

WRONG_PROOF = _l("Mã hộ hoặc 4 số cuối CCCD không khớp. Bạn có thể hỏi cán bộ tại bàn đăng ký của phiên.")


class LostTicketProofForm(LostTicketForm):
    proof = StringField(
        _l("Mã hộ hoặc 4 số cuối số CCCD"),
        render_kw={"maxlength": 50, "autocomplete": "off"},
        description=_l("Mã hộ nghèo, cận nghèo; hoặc 4 chữ số cuối của số căn cước bạn đã khai khi đăng ký."),
    )


def _limit(name: str):
    return lambda: current_app.config[name]


@bp.route("/fairs/<int:fair_id>/lost-ticket", methods=["GET", "POST"])
@limiter.limit(_limit("LOST_TICKET_LIMIT_PER_ADDRESS"), methods=["POST"])
@limiter.limit(
    _limit("LOST_TICKET_LIMIT_PER_PHONE"), methods=["POST"], key_func=lambda: phone_key("lost-ticket-phone")
)
@public
def lost_ticket(fair_id: int):
    fair = fair_services.get_public_fair(fair_id)
    form = LostTicketProofForm()
    result, status = None, 200
    if form.validate_on_submit():
        errors = {}
        try:
            phone = clean_phone(form.phone.data)
        except ValueError as error:
            errors["phone"] = f"{form.phone.label.text}: {error.args[0]}"
        try:
            year = clean_birth_year(form.birth_year.data, fair_services.local_day(fair.starts_at))
        except ValueError as error:
            errors["birth_year"] = f"{form.birth_year.label.text}: {error.args[0]}"
        if errors:
            for name, message in errors.items():
                form[name].errors = [message]
            status = 422
        else:
            proof = (form.proof.data or "").strip() or None
            result = services.find_lost_tickets(fair.id, phone, year, proof=proof, origin=request_origin())
            if result.proof_failed:
                form.proof.errors = [WRONG_PROOF]
                status = 422
    elif request.method == "POST":
        status = 400
    found = [{"name": r.attendee.full_name, "url": ticket_url(r)} for r in (result.tickets if result else [])]
    response = current_app.make_response(
        (
            render_template(
                "registration/lost_ticket.html",
                fair=fair,
                form=form,
                found=found,
                searched=result is not None,
                needs_proof=bool(result and result.needs_proof),
            ),
            status,
        )
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response
