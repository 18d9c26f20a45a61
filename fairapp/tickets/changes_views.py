"""On the ticket page: the changes to the person's data asked for through the public channel that this
ticket link may confirm or reject (fairapp.attendees.changes.may_decide: a link that already spoke
for the person before the change was asked for; never one the same submission handed out).

    ticket_changes(registration)                    for tickets/_pending_changes.html (fairapp.templating)
    POST /t/<secret>/changes/<change_id>            decision=confirm|reject → back to the ticket page"""

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _

from fairapp.attendees import changes
from fairapp.auth.access import public
from fairapp.auth.session import request_origin
from fairapp.errors import DomainError, NotFound
from fairapp.tickets import services
from fairapp.tickets.blueprint import bp
from fairapp.views import ActionForm, flash_refusal

DECISIONS = {"confirm": True, "reject": False}


def ticket_changes(registration) -> list[dict]:
    """What the ticket page shows of the pending changes this link may decide: when they were asked
    for and what they would set (never the values stored now)."""
    return [
        {"id": change.id, "requested_at": change.requested_at, "rows": changes.describe(change.proposed)}
        for change in changes.decidable_with_ticket(registration)
    ]


@bp.route("/<secret>/changes/<int:change_id>", methods=["POST"])
@public
def decide(secret: str, change_id: int):
    registration = services.get_by_secret(secret)
    confirm = DECISIONS.get(request.form.get("decision", ""))
    if not ActionForm().validate_on_submit() or confirm is None:
        flash(_("Biểu mẫu không hợp lệ hoặc đã hết hạn. Vui lòng tải lại trang rồi thử lại."), "danger")
    else:
        try:
            changes.decide_with_ticket(registration, change_id, confirm=confirm, origin=request_origin())
        except NotFound:
            raise
        except DomainError as error:
            flash_refusal(error)
        else:
            flash(
                _("Đã cập nhật thông tin của bạn.") if confirm else _("Đã từ chối yêu cầu thay đổi."),
                "success",
            )
    return redirect(url_for("tickets.show", secret=secret), code=303)
