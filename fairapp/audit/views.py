"""The audit log, read-only, for admins. There is deliberately no route that changes an entry."""

import json
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import Blueprint, current_app, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import Length
from wtforms.validators import ValidationError as FieldError

from fairapp.audit.models import AuditEntry
from fairapp.auth.access import roles
from fairapp.auth.models import Role, User
from fairapp.extensions import db

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")

PER_PAGE = 50
FILTERS = ("action", "actor", "object_type", "object_id", "date_from", "date_to")


def parse_vn_date(text: str | None) -> date | None:
    """dd/mm/yyyy (also d/m/yyyy) → date; None when empty; ValueError when malformed."""
    text = (text or "").strip()
    if not text:
        return None
    return datetime.strptime(text, "%d/%m/%Y").date()


class VnDate:
    def __call__(self, form, field):
        try:
            parse_vn_date(field.data)
        except ValueError:
            raise FieldError(
                _l("%(field)s phải có dạng ngày/tháng/năm, ví dụ 05/07/2025.", field=field.label.text)
            ) from None


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter, changes nothing

    action = StringField(
        _l("Hành động (bắt đầu bằng)"),
        validators=[Length(max=60, message=_l("Hành động dài tối đa %(max)d ký tự.", max=60))],
    )
    actor = StringField(
        _l("Người thực hiện"),
        validators=[Length(max=254, message=_l("Người thực hiện dài tối đa %(max)d ký tự.", max=254))],
    )
    object_type = StringField(
        _l("Loại đối tượng"),
        validators=[Length(max=40, message=_l("Loại đối tượng dài tối đa %(max)d ký tự.", max=40))],
    )
    object_id = StringField(
        _l("Mã đối tượng"),
        validators=[Length(max=40, message=_l("Mã đối tượng dài tối đa %(max)d ký tự.", max=40))],
    )
    date_from = StringField(_l("Từ ngày"), validators=[VnDate()])
    date_to = StringField(_l("Đến ngày"), validators=[VnDate()])

    def validate_date_to(self, field):
        try:
            start, end = parse_vn_date(self.date_from.data), parse_vn_date(field.data)
        except ValueError:
            return
        if start and end and end < start:
            raise FieldError(_l("Đến ngày phải sau hoặc bằng Từ ngày."))


def _local_midnight_utc(day: date) -> datetime:
    """The first instant of a calendar day in the deployment's time zone (Asia/Ho_Chi_Minh)."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return datetime.combine(day, time.min, tzinfo=zone)


def _filtered(form: AuditFilterForm) -> sa.Select:
    query = sa.select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    ok = {name: not form[name].errors for name in FILTERS}
    if ok["action"] and (action := (form.action.data or "").strip()):
        query = query.where(AuditEntry.action.startswith(action, autoescape=True))
    if ok["actor"] and (actor := (form.actor.data or "").strip()):
        named = sa.select(User.id).where(
            sa.or_(
                User.full_name.icontains(actor, autoescape=True), User.email.icontains(actor, autoescape=True)
            )
        )
        terms = [AuditEntry.actor_label.icontains(actor, autoescape=True), AuditEntry.actor_id.in_(named)]
        if actor.isdigit() and len(actor) < 10:
            terms.append(AuditEntry.actor_id == int(actor))
        query = query.where(sa.or_(*terms))
    if ok["object_type"] and (object_type := (form.object_type.data or "").strip()):
        query = query.where(AuditEntry.object_type == object_type)
    if ok["object_id"] and (object_id := (form.object_id.data or "").strip()):
        query = query.where(AuditEntry.object_id == object_id)
    if ok["date_from"] and (start := parse_vn_date(form.date_from.data)):
        query = query.where(AuditEntry.at >= _local_midnight_utc(start))
    if ok["date_to"] and (end := parse_vn_date(form.date_to.data)):
        query = query.where(AuditEntry.at < _local_midnight_utc(end + timedelta(days=1)))
    return query


@bp.route("/")
@roles(Role.ADMIN)
def index():
    form = AuditFilterForm(request.args)
    form.validate()
    page = db.paginate(_filtered(form), per_page=PER_PAGE, error_out=False)
    object_types = db.session.scalars(
        sa.select(AuditEntry.object_type)
        .where(AuditEntry.object_type.is_not(None))
        .distinct()
        .order_by(AuditEntry.object_type)
    ).all()
    filters = {k: v for k, v in request.args.items() if k in FILTERS and v}
    rows = [
        {
            "entry": entry,
            "details": json.dumps(entry.details, ensure_ascii=False, sort_keys=True) if entry.details else "",
        }
        for entry in page.items
    ]
    return render_template(
        "audit/index.html", form=form, page=page, rows=rows, filters=filters, object_types=object_types
    )
