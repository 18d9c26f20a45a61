"""Webhooks for admins:

    GET       /manage/webhooks                         the subscriptions, with their deliveries by status
    GET, POST /manage/webhooks/new                     a new subscription; its secret is shown once
    GET, POST /manage/webhooks/<id>/edit               name, URL, events, purpose
    POST      /manage/webhooks/<id>/<action>           activate, deactivate, rotate (the new secret
                                                       shown once), test (a "webhook.test" event)
    GET       /manage/webhooks/deliveries              the delivery log (filters: subscription, status,
                                                       event), newest first, 50 a page
    GET       /manage/webhooks/deliveries/<id>         one delivery: its body and every attempt
    POST      /manage/webhooks/deliveries/<id>/replay  send it again with the same event id

Every change is audited by the services; opening a delivery (its body may name a person) is audited
as a read."""

import json

import sqlalchemy as sa
from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from fairapp.audit.services import record_read
from fairapp.auth.access import roles
from fairapp.auth.models import Role
from fairapp.auth.session import request_origin
from fairapp.errors import DomainError, NotFound
from fairapp.extensions import db
from fairapp.fairs.services import to_local
from fairapp.views import ActionForm, acting_user, flash_refusal, form_errors
from fairapp.webhooks import delivery as sending
from fairapp.webhooks import subscriptions
from fairapp.webhooks.forms import (
    EVENT_LABELS,
    PURPOSE_LABELS,
    STATUS_LABELS,
    DeliveryFilterForm,
    SubscriptionForm,
)
from fairapp.webhooks.models import Attempt, Delivery, DeliveryStatus, Subscription
from fairapp.worker.queue import enqueue_after_commit

bp = Blueprint("webhooks", __name__, url_prefix="/manage/webhooks")
PER_PAGE = 50
KEPT_ARGS = ("subscription", "status", "event")


def _moment(value) -> str:
    return f"{to_local(value):%H:%M:%S %d/%m/%Y}" if value else ""


def _no_store(body: str) -> Response:
    response = Response(body)
    response.headers["Cache-Control"] = "no-store"  # secrets and people's data: not kept by caches
    return response


def _subscription(subscription_id: int) -> Subscription:
    subscription = db.session.get(Subscription, subscription_id)
    if subscription is None:
        raise NotFound()
    return subscription


def _deliver_soon() -> None:
    if current_app.config["WEBHOOK_DELIVER_AT_ONCE"]:
        enqueue_after_commit(sending.deliver_soon)


@bp.route("")
@roles(Role.ADMIN)
def index():
    counts: dict[int, dict[str, int]] = {}
    for subscription_id, status, count in db.session.execute(
        sa.select(Delivery.subscription_id, Delivery.status, sa.func.count()).group_by(
            Delivery.subscription_id, Delivery.status
        )
    ):
        counts.setdefault(subscription_id, {})[status.value] = count
    rows = [
        {
            "id": s.id,
            "name": s.name,
            "url": s.url,
            "events": [EVENT_LABELS.get(event, event) for event in s.events],
            "purpose": s.purpose.value,
            "active": s.active,
            "gone": s.disabled_reason == sending.GONE,
            "counts": counts.get(s.id, {}),
        }
        for s in db.session.scalars(sa.select(Subscription).order_by(Subscription.id))
    ]
    return render_template(
        "webhooks/index.html", rows=rows, status_labels=STATUS_LABELS, action_form=ActionForm()
    )


def _fields(form: SubscriptionForm) -> subscriptions.Fields:
    return subscriptions.Fields(
        name=form.name.data or "",
        url=form.url.data or "",
        events=form.events.data or [],
        purpose=form.purpose.data or "",
    )


@bp.route("/new", methods=["GET", "POST"])
@roles(Role.ADMIN)
def create():
    form = SubscriptionForm()
    if form.validate_on_submit():
        try:
            subscription, secret = subscriptions.create(
                _fields(form), by=acting_user(), origin=request_origin()
            )
        except DomainError as error:
            form_errors(form, error)
        else:
            return _no_store(
                render_template("webhooks/secret.html", subscription=subscription, secret=secret)
            )
    return render_template("webhooks/form.html", form=form, subscription=None)


@bp.route("/<int:subscription_id>/edit", methods=["GET", "POST"])
@roles(Role.ADMIN)
def edit(subscription_id: int):
    subscription = _subscription(subscription_id)
    form = SubscriptionForm(
        data=None
        if request.method == "POST"
        else {
            "name": subscription.name,
            "url": subscription.url,
            "events": list(subscription.events),
            "purpose": subscription.purpose.value,
        }
    )
    if form.validate_on_submit():
        try:
            subscriptions.update(subscription, _fields(form), by=acting_user(), origin=request_origin())
        except DomainError as error:
            form_errors(form, error)
        else:
            flash(_("Đã lưu đăng ký nhận sự kiện %(name)s.", name=subscription.name), "success")
            return redirect(url_for("webhooks.index"), code=303)
    return render_template("webhooks/form.html", form=form, subscription=subscription)


@bp.route("/<int:subscription_id>/<any(activate, deactivate, rotate, test):action>", methods=["POST"])
@roles(Role.ADMIN)
def act(subscription_id: int, action: str):
    subscription = _subscription(subscription_id)
    if not ActionForm().validate_on_submit():
        flash(_("Biểu mẫu không hợp lệ hoặc đã hết hạn. Vui lòng tải lại trang rồi thử lại."), "danger")
        return redirect(url_for("webhooks.index"), code=303)
    user, origin = acting_user(), request_origin()
    try:
        if action == "rotate":
            secret = subscriptions.rotate_secret(subscription, by=user, origin=origin)
            return _no_store(
                render_template(
                    "webhooks/secret.html", subscription=subscription, secret=secret, rotated=True
                )
            )
        if action == "test":
            event_id = subscriptions.send_test(subscription, by=user, origin=origin)
            _deliver_soon()
            flash(_("Đã xếp sự kiện thử %(id)s vào hàng gửi.", id=event_id), "success")
            return redirect(url_for("webhooks.deliveries", subscription=subscription.id), code=303)
        subscriptions.set_active(subscription, action == "activate", by=user, origin=origin)
        if action == "activate":
            flash(_("Đã bật đăng ký %(name)s.", name=subscription.name), "success")
        else:
            flash(_("Đã tắt đăng ký %(name)s.", name=subscription.name), "success")
    except DomainError as error:
        flash_refusal(error)
    return redirect(url_for("webhooks.index"), code=303)


@bp.route("/deliveries")
@roles(Role.ADMIN)
def deliveries():
    form = DeliveryFilterForm(request.args)
    query = sa.select(Delivery).order_by(Delivery.id.desc())
    subscription_id = request.args.get("subscription", type=int)
    if subscription_id:
        query = query.where(Delivery.subscription_id == subscription_id)
    if form.validate():
        if form.status.data:
            query = query.where(Delivery.status == DeliveryStatus(form.status.data))
        if form.event.data:
            query = query.where(Delivery.event_type == form.event.data)
    page = db.paginate(query, per_page=PER_PAGE, error_out=False)
    names = dict(db.session.execute(sa.select(Subscription.id, Subscription.name)).all())
    rows = [
        {
            "id": d.id,
            "subscription": names.get(d.subscription_id, ""),
            "event_id": d.event_id,
            "event": EVENT_LABELS.get(d.event_type, d.event_type),
            "event_type": d.event_type,
            "status": d.status.value,
            "status_label": STATUS_LABELS[d.status],
            "attempts": d.attempts,
            "code": d.last_status_code,
            "error": d.last_error,
            "created_at": _moment(d.created_at),
            "next_attempt_at": _moment(d.next_attempt_at) if d.status == DeliveryStatus.PENDING else "",
            "delivered_at": _moment(d.delivered_at),
        }
        for d in page.items
    ]
    kept = {k: v for k, v in request.args.items() if k in KEPT_ARGS and v}
    return render_template(
        "webhooks/deliveries.html", form=form, page=page, rows=rows, filters=kept, action_form=ActionForm()
    )


@bp.route("/deliveries/<int:delivery_id>")
@roles(Role.ADMIN)
def delivery(delivery_id: int):
    found = db.session.get(Delivery, delivery_id)
    if found is None:
        raise NotFound()
    attempts = db.session.scalars(
        sa.select(Attempt).where(Attempt.delivery_id == found.id).order_by(Attempt.started_at, Attempt.id)
    ).all()
    record_read(
        "webhook.delivery.view",
        actor=acting_user(),
        target=found,
        origin=request_origin(),
        details={"event_id": found.event_id},
    )
    return _no_store(
        render_template(
            "webhooks/delivery.html",
            delivery=found,
            status_label=STATUS_LABELS[found.status],
            event_label=EVENT_LABELS.get(found.event_type, found.event_type),
            body=json.dumps(found.payload, ensure_ascii=False, indent=2),
            attempts=[
                {
                    "number": a.number,
                    "started_at": _moment(a.started_at),
                    "duration_ms": a.duration_ms,
                    "code": a.status_code,
                    "error": a.error,
                }
                for a in attempts
            ],
            created_at=_moment(found.created_at),
            delivered_at=_moment(found.delivered_at),
            next_attempt_at=_moment(found.next_attempt_at) if found.status == DeliveryStatus.PENDING else "",
            purpose_labels=PURPOSE_LABELS,
            action_form=ActionForm(),
        )
    )


@bp.route("/deliveries/<int:delivery_id>/replay", methods=["POST"])
@roles(Role.ADMIN)
def replay(delivery_id: int):
    found = db.session.get(Delivery, delivery_id)
    if found is None:
        raise NotFound()
    if not ActionForm().validate_on_submit():
        flash(_("Biểu mẫu không hợp lệ hoặc đã hết hạn. Vui lòng tải lại trang rồi thử lại."), "danger")
        return redirect(url_for("webhooks.delivery", delivery_id=delivery_id), code=303)
    try:
        subscriptions.replay(found, by=acting_user(), origin=request_origin())
    except DomainError as error:
        flash_refusal(error)
    else:
        _deliver_soon()
        flash(_("Sự kiện %(id)s sẽ được gửi lại.", id=found.event_id), "success")
    return redirect(url_for("webhooks.delivery", delivery_id=delivery_id), code=303)
