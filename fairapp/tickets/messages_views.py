"""Messages to the job seeker through their ticket link (routes on the tickets blueprint):

    POST /t/<secret>/messages/stop     no more SMS or Zalo messages to the phone on the ticket
    POST /t/<secret>/messages/resume   messages again

The link is the only key, as for the ticket itself; each form carries a CSRF token. The form is
templates/messages/_opt_out.html, at the bottom of the ticket page."""

from flask import flash, redirect, url_for
from flask_babel import gettext as _

from fairapp.auth.access import public
from fairapp.messages import outbox
from fairapp.tickets import services
from fairapp.tickets.blueprint import bp


@bp.route("/<secret>/messages/stop", methods=["POST"])
@public
def stop_messages(secret: str):
    registration = services.get_by_secret(secret)
    outbox.opt_out(registration.attendee.phone, source="link")
    flash(_("Bạn sẽ không nhận tin nhắn nào từ hệ thống nữa. Bạn có thể bật lại bất cứ lúc nào."), "success")
    return redirect(url_for("tickets.show", secret=secret))


@bp.route("/<secret>/messages/resume", methods=["POST"])
@public
def resume_messages(secret: str):
    registration = services.get_by_secret(secret)
    outbox.opt_in(registration.attendee.phone)
    flash(_("Bạn sẽ nhận lại tin nhắn nhắc lịch và thông báo từ hệ thống."), "success")
    return redirect(url_for("tickets.show", secret=secret))
