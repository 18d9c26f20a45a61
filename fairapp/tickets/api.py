"""Ticket endpoints of the API: the public key scanners verify tickets with (offline too), and a
fair's revocation list (reissued tickets whose old QR must no longer be admitted)."""

from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from fairapp.auth.access import public, roles
from fairapp.auth.models import Role
from fairapp.fairs import services as fair_services
from fairapp.tickets import services, signing

blp = Blueprint("api_tickets", __name__, url_prefix="", description="Tickets: public key, revocations")

READERS = (Role.ADMIN, Role.ORGANISER, Role.GATE)


class PublicKeySchema(Schema):
    algorithm = fields.Str(required=True, metadata={"example": "Ed25519"})
    key_id = fields.Str(required=True, metadata={"description": "First 8 hex digits of SHA-256 of the key"})
    public_key = fields.Str(required=True, metadata={"description": "Raw 32-byte key, base64url"})
    payload_version = fields.Str(required=True, metadata={"example": "F1"})


class RevocationSchema(Schema):
    registration_id = fields.Int(required=True)
    nonce = fields.Str(required=True)
    revoked_at = fields.AwareDateTime(format="iso")


class RevocationListSchema(Schema):
    fair_id = fields.Int(required=True)
    items = fields.List(fields.Nested(RevocationSchema), required=True)


@blp.route("/tickets/public-key")
class PublicKey(MethodView):
    @blp.response(200, PublicKeySchema)
    @blp.doc(security=[])
    @public
    def get(self):
        """The Ed25519 key that signs ticket payloads."""
        return {
            "algorithm": signing.ALGORITHM,
            "key_id": signing.key_id(),
            "public_key": signing.public_key_b64url(),
            "payload_version": signing.VERSION,
        }


@blp.route("/fairs/<int:fair_id>/revocations")
class Revocations(MethodView):
    @blp.response(200, RevocationListSchema)
    @roles(*READERS)
    def get(self, fair_id: int):
        """Tickets of this fair that were revoked (reissued): scanners refuse these."""
        fair = fair_services.get_fair_for(current_user, fair_id)
        items = services.revocations(fair.id)
        return {
            "fair_id": fair.id,
            "items": [
                {"registration_id": r.registration_id, "nonce": r.nonce, "revoked_at": r.revoked_at}
                for r in items
            ],
        }
