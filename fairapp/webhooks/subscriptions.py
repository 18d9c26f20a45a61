"""Managing subscriptions and their deliveries (admins; every change audited).

    create(fields, by=, origin=) -> (Subscription, secret)    the secret, shown once
    update(subscription, fields, by=, origin=)
    set_active(subscription, active, by=, origin=)
    rotate_secret(subscription, by=, origin=, now=) -> secret   the old one signs too for a day
    send_test(subscription, by=, origin=, now=) -> event id     a "webhook.test" event to it alone
    replay(delivery, by=, origin=, now=)                        the same event id, due at once

Refusals: ValidationError naming the field (name, url, events, purpose); delivery_in_flight (a
delivery being posted right now cannot be replayed); subscription_inactive (a test event or replay
for an inactive subscription would only wait)."""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from fairapp.audit.services import SYSTEM, Origin, record
from fairapp.errors import Conflict, DomainError, ValidationError
from fairapp.extensions import db
from fairapp.modelbase import utcnow
from fairapp.text import has_control
from fairapp.transactions import write_point
from fairapp.webhooks import events, signing, targets
from fairapp.webhooks.models import (
    MAX_NAME_LENGTH,
    MAX_URL_LENGTH,
    Delivery,
    DeliveryStatus,
    Purpose,
    Subscription,
)

PREVIOUS_SECRET_DAYS = 1
URL_PROBLEMS = {
    "scheme": _l("Địa chỉ nhận: phải bắt đầu bằng https:// (http:// chỉ dùng cho máy này, localhost)."),
    "host": _l("Địa chỉ nhận: không phải một địa chỉ web hợp lệ."),
}


class SubscriptionInactive(DomainError):
    code = "subscription_inactive"
    message = _l("Đăng ký nhận sự kiện này đang tắt: bật lại trước khi gửi.")


class DeliveryInFlight(Conflict):
    code = "delivery_in_flight"
    message = _l("Sự kiện này đang được gửi, vui lòng thử lại sau ít phút.")


@dataclass(frozen=True)
class Fields:
    name: str
    url: str
    events: list[str]
    purpose: str


def _checked(fields: Fields) -> Fields:
    problems = {}
    name = (fields.name or "").strip()
    if not name or len(name) > MAX_NAME_LENGTH or has_control(name):
        problems["name"] = _l("Tên: từ 1 đến %(limit)s ký tự.", limit=MAX_NAME_LENGTH)
    url = (fields.url or "").strip()
    if not url or len(url) > MAX_URL_LENGTH:
        problems["url"] = _l("Địa chỉ nhận: từ 1 đến %(limit)s ký tự.", limit=MAX_URL_LENGTH)
    elif (problem := targets.url_problem(url)) is not None:
        problems["url"] = URL_PROBLEMS[problem]
    chosen = list(dict.fromkeys(fields.events or ()))
    if not chosen or any(event not in events.EVENTS for event in chosen):
        problems["events"] = _l("Sự kiện: chọn ít nhất một sự kiện trong danh sách.")
    if fields.purpose not in {purpose.value for purpose in Purpose}:
        problems["purpose"] = _l("Mục đích: chọn một mục đích trong danh sách.")
    if problems:
        raise ValidationError(fields=problems)
    return Fields(name, url, chosen, fields.purpose)


def _details(subscription: Subscription) -> dict:
    return {
        "name": subscription.name,
        "url": subscription.url,
        "events": list(subscription.events),
        "purpose": subscription.purpose.value,
        "active": subscription.active,
    }


def create(fields: Fields, *, by, origin: Origin = SYSTEM) -> tuple[Subscription, str]:
    checked = _checked(fields)
    secret = signing.new_secret()
    write_point()
    subscription = Subscription(
        name=checked.name,
        url=checked.url,
        events=checked.events,
        purpose=Purpose(checked.purpose),
        secret_encrypted=signing.encrypt(secret),
        active=True,
        created_by=getattr(by, "id", None),
    )
    db.session.add(subscription)
    db.session.flush()
    record("webhook.create", actor=by, target=subscription, origin=origin, details=_details(subscription))
    events.forget_subscriptions()
    return subscription, secret


def update(subscription: Subscription, fields: Fields, *, by, origin: Origin = SYSTEM) -> Subscription:
    checked = _checked(fields)
    before = _details(subscription)
    write_point()
    subscription.name, subscription.url = checked.name, checked.url
    subscription.events, subscription.purpose = checked.events, Purpose(checked.purpose)
    subscription.updated_at = utcnow()
    db.session.flush()
    record(
        "webhook.update",
        actor=by,
        target=subscription,
        origin=origin,
        details={"before": before, "after": _details(subscription)},
    )
    events.forget_subscriptions()
    return subscription


def set_active(subscription: Subscription, active: bool, *, by, origin: Origin = SYSTEM) -> Subscription:
    write_point()
    subscription.active = active
    subscription.disabled_reason = None if active else "admin"
    subscription.updated_at = utcnow()
    db.session.flush()
    record(
        "webhook.activate" if active else "webhook.deactivate", actor=by, target=subscription, origin=origin
    )
    events.forget_subscriptions()
    return subscription


def rotate_secret(
    subscription: Subscription, *, by, origin: Origin = SYSTEM, now: datetime | None = None
) -> str:
    """A new secret (returned, to show once); the old one keeps signing beside it for a day, so the
    receiver can switch without losing events."""
    now = now or utcnow()
    secret = signing.new_secret()
    write_point()
    subscription.previous_secret_encrypted = subscription.secret_encrypted
    subscription.previous_until = now + timedelta(days=PREVIOUS_SECRET_DAYS)
    subscription.secret_encrypted = signing.encrypt(secret)
    subscription.updated_at = now
    db.session.flush()
    record("webhook.rotate_secret", actor=by, target=subscription, origin=origin)
    return secret


def send_test(subscription: Subscription, *, by, origin: Origin = SYSTEM, now: datetime | None = None) -> str:
    """Queue a "webhook.test" event for this subscription alone; its event id."""
    if not subscription.active:
        raise SubscriptionInactive()
    now = now or utcnow()
    event_id = f"{events.TEST_EVENT}-{uuid.uuid4().hex}"
    write_point()
    events.emit_test(subscription, event_id, now)
    record("webhook.test", actor=by, target=subscription, origin=origin, details={"event_id": event_id})
    return event_id


def replay(delivery: Delivery, *, by, origin: Origin = SYSTEM, now: datetime | None = None) -> Delivery:
    """Send a delivery again, whatever became of it: the same event id and body, due at once, a fresh
    round of attempts (the log keeps the earlier ones). Refused while it is being posted."""
    if not delivery.subscription.active:
        raise SubscriptionInactive()
    now = now or utcnow()
    previous = {"status": delivery.status.value, "attempts": delivery.attempts}
    write_point()
    d = Delivery.__table__.c
    # Conditional: not while a worker holds it (its mark would then be lost), and once per click.
    changed = db.session.execute(
        sa.update(Delivery.__table__)
        .where(d.id == delivery.id, d.status == delivery.status, d.attempts == delivery.attempts)
        .where(sa.or_(d.status != DeliveryStatus.SENDING, d.lease_until <= now))
        .values(status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=now, lease_until=None)
    ).rowcount
    if not changed:
        raise DeliveryInFlight()
    db.session.refresh(delivery)
    record(
        "webhook.replay",
        actor=by,
        target=delivery,
        origin=origin,
        details={"event_id": delivery.event_id, "previous": previous},
    )
    return delivery
