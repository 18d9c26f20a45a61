"""The outbox for admins and organisers:

    GET  /manage/messages                  the messages, newest first (filters: status, kind, dates),
                                           with the count per status
    POST /manage/messages/<id>/retry       send a failed or skipped message again
    POST /manage/messages/<id>/stop        no more messages to the message's phone (asked at the desk)
    POST /manage/messages/<id>/resume      messages to that phone again

Organisers see and act only on messages to people of their wards (another's is not found, 404).
Phones are masked and the links inside a text cut to their site: a ticket or answer link is the
person's key, not staff's."""

import re

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from fairapp.attendees.services import mask_phone
from fairapp.auth.access import STAFF, roles
from fairapp.auth.session import request_origin
from fairapp.errors import DomainError
from fairapp.fairs.services import to_local
from fairapp.messages import outbox, staff
from fairapp.messages.forms import ERROR_LABELS, KIND_LABELS, STATUS_LABELS, MessageFilterForm
from fairapp.messages.models import Message, MessageKind, MessageStatus
from fairapp.views import ActionForm, acting_user, flash_refusal

bp = Blueprint("messages", __name__, url_prefix="/manage/messages")

KEPT_ARGS = ("status", "kind", "date_from", "date_to")
RETRYABLE = (MessageStatus.FAILED, MessageStatus.SKIPPED)
_LINK = re.compile(r"(https?://[^/\s]+)/\S*")


def _filters(form: MessageFilterForm) -> staff.MessageFilter:
    if not form.validate():
        return staff.MessageFilter()
    return staff.MessageFilter(
        status=MessageStatus(form.status.data) if form.status.data else None,
        kind=MessageKind(form.kind.data) if form.kind.data else None,
        date_from=form.date_from.day,
        date_to=form.date_to.day,
    )


def _moment(value) -> str:
    return f"{to_local(value):%H:%M %d/%m/%Y}" if value else ""


def _row(message: Message, opted_out: frozenset[str]) -> dict:
    """What the list shows of a message (plain data)."""
    return {
        "id": message.id,
        "kind": KIND_LABELS.get(message.kind, message.kind),
        "phone": mask_phone(message.phone),
        "text": _LINK.sub(r"\1/…", message.text),
        "status": message.status.value,
        "status_label": STATUS_LABELS[message.status],
        "error": ERROR_LABELS.get(message.last_error, message.last_error),
        "attempts": message.attempts,
        "queued_at": _moment(message.created_at),
        "sent_at": _moment(message.sent_at),
        "delivered_at": _moment(message.delivered_at),
        "retryable": message.status in RETRYABLE,
        "opted_out": message.phone in opted_out,
    }


@bp.route("")
@roles(*STAFF)
def index():
    user = acting_user()
    form = MessageFilterForm(request.args)
    filters = _filters(form)
    found = staff.messages_page(user, filters, page=request.args.get("page", 1, type=int))
    kept = {} if form.errors else {k: v for k, v in request.args.items() if k in KEPT_ARGS and v}
    response = Response(
        render_template(
            "messages/staff_list.html",
            form=form,
            page=found.page,
            rows=[_row(message, found.opted_out) for message in found.page.items],
            counts=[
                (status.value, STATUS_LABELS[status], count)
                for status, count in staff.status_counts(user, filters).items()
            ],
            filters=kept,
            chosen_status=filters.status.value if filters.status else "",
            action_form=ActionForm(),
        )
    )
    response.headers["Cache-Control"] = "no-store"  # people's messages: not kept by browsers or proxies
    return response


def _back() -> str:
    """The list as it was filtered (the form sends its query string back), else the plain list."""
    args = {k: v for k, v in request.form.items() if k in (*KEPT_ARGS, "page") and v}
    return url_for("messages.index", **args)


@bp.route("/<int:message_id>/<any(retry, stop, resume):action>", methods=["POST"])
@roles(*STAFF)
def act(message_id: int, action: str):
    user = acting_user()
    message = staff.message_for_staff(user, message_id)
    if not ActionForm().validate_on_submit():
        flash(_("Biểu mẫu không hợp lệ hoặc đã hết hạn. Vui lòng tải lại trang rồi thử lại."), "danger")
        return redirect(_back(), code=303)
    phone = mask_phone(message.phone)
    try:
        if action == "retry":
            outbox.retry(message, by=user, origin=request_origin())
            flash(_("Tin nhắn tới %(phone)s sẽ được gửi lại.", phone=phone), "success")
        elif action == "stop":
            staff.stop_messages(message, by=user, origin=request_origin())
            flash(_("Đã ngừng gửi tin nhắn tới %(phone)s.", phone=phone), "success")
        else:
            staff.resume_messages(message, by=user, origin=request_origin())
            flash(_("Đã bật lại tin nhắn tới %(phone)s.", phone=phone), "success")
    except DomainError as error:
        flash_refusal(error)
    return redirect(_back(), code=303)
