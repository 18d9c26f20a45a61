"""The one-tap answer link of a follow-up message: a signed token naming the follow-up, valid long
enough for a message read late (ANSWER_LINK_MAX_AGE). It lets the person answer that follow-up only;
it shows nothing of them but their first name and the employer."""

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from fairapp.errors import NotFound
from fairapp.extensions import db
from fairapp.links import absolute_url
from fairapp.outcomes.models import FollowUp

ANSWER_LINK_MAX_AGE = 90 * 24 * 3600  # seconds: until well past the next follow-up
MAX_TOKEN_LENGTH = 200
_SALT = "fairapp.follow-up-answer"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def answer_token(follow_up: FollowUp) -> str:
    return _serializer().dumps(follow_up.id)


def answer_url(follow_up: FollowUp) -> str:
    return absolute_url("outcomes.answer", token=answer_token(follow_up))


def follow_up_for(token: str) -> FollowUp:
    """The follow-up the token names; NotFound for a forged, expired or malformed token."""
    if not isinstance(token, str) or len(token) > MAX_TOKEN_LENGTH:
        raise NotFound()
    try:
        follow_up_id = _serializer().loads(token, max_age=ANSWER_LINK_MAX_AGE)
    except (BadSignature, SignatureExpired):
        raise NotFound() from None
    follow_up = db.session.get(FollowUp, follow_up_id) if isinstance(follow_up_id, int) else None
    if follow_up is None:
        raise NotFound()
    return follow_up
