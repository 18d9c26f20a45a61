"""POST /api/v1/messages/delivery/<sender>: a gateway's delivery report on a message it accepted.

No account: the gateway sends the shared secret MESSAGE_DELIVERY_SECRET in the X-Delivery-Secret
header (refused when the setting is unset, 403; a wrong or missing secret, 401). An unknown message
answers 404 message_not_found: gateways send a report again after a non-2xx answer, which also
covers a report that arrives before the worker has recorded the provider's id."""

import hmac

from flask import current_app, request
from flask.views import MethodView
from flask_babel import lazy_gettext as _l
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields, validate

from fairapp.auth.access import public
from fairapp.errors import DomainError, Forbidden, NotFound
from fairapp.messages import outbox
from fairapp.messages.senders import SENDERS
from fairapp.text import has_control

SECRET_HEADER = "X-Delivery-Secret"

blp = Blueprint("api_messages", __name__, url_prefix="", description="Messages: delivery reports")


class DeliveryRefused(DomainError):
    code = "unauthorized"
    status = 401
    message = _l("Cần mã bí mật hợp lệ của cổng gửi tin.")


class DeliveryReportsOff(Forbidden):
    code = "delivery_reports_off"
    message = _l("Máy chủ chưa cấu hình nhận báo cáo gửi tin.")


class MessageNotFound(NotFound):
    code = "message_not_found"
    message = _l("Không tìm thấy tin nhắn có mã này.")


def _printable(value: str) -> None:
    if has_control(value):
        raise ValidationError(_l("Không được chứa ký tự điều khiển."))


class DeliveryReportSchema(Schema):
    provider_id = fields.Str(
        required=True,
        validate=[validate.Length(min=1, max=100), _printable],
        metadata={"description": "The id the gateway answered when it accepted the message"},
    )
    status = fields.Str(required=True, validate=validate.OneOf(sorted(outbox.DELIVERY_STATUSES)))
    at = fields.AwareDateTime(format="iso", metadata={"description": "When it happened (default: now)"})


class DeliveryAnswerSchema(Schema):
    recorded = fields.Bool(required=True)


@blp.before_request
def _check_secret() -> None:
    """Before the body is read: a caller without the secret learns nothing about it."""
    if request.view_args and request.view_args.get("sender") not in SENDERS:
        raise NotFound()
    expected = current_app.config.get("MESSAGE_DELIVERY_SECRET")
    if not expected:
        raise DeliveryReportsOff()
    given = request.headers.get(SECRET_HEADER, "")
    if not hmac.compare_digest(given.encode(), str(expected).encode()):
        raise DeliveryRefused()


@blp.route("/messages/delivery/<sender>")
class DeliveryReport(MethodView):
    @blp.arguments(DeliveryReportSchema)
    @blp.response(200, DeliveryAnswerSchema)
    @blp.alt_response(401, description="X-Delivery-Secret missing or wrong (`unauthorized`)")
    @blp.alt_response(
        403, description="The server takes no delivery reports: no secret set (`delivery_reports_off`)"
    )
    @blp.alt_response(404, description="No such sender (`not_found`), or message (`message_not_found`)")
    @blp.doc(
        security=[],
        parameters=[
            {
                "in": "header",
                "name": SECRET_HEADER,
                "required": True,
                "description": "The shared secret MESSAGE_DELIVERY_SECRET",
                "schema": {"type": "string", "maxLength": 200},
            }
        ],
    )
    @public
    def post(self, report, sender: str):
        """Record that a message was delivered, or finally failed (header X-Delivery-Secret)."""
        if not outbox.record_delivery(sender, report["provider_id"], report["status"], report.get("at")):
            raise MessageNotFound()
        return {"recorded": True}
