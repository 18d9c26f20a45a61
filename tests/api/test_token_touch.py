"""The token's last use under concurrency: many requests with one token at once, none of them 500
(on SQLite the touch once read and wrote in one transaction and failed with "database is locked");
the use is written once and audited once."""

import threading
from concurrent.futures import ThreadPoolExecutor

import sqlalchemy as sa

from fairapp.audit.models import AuditEntry
from fairapp.auth.models import ApiToken
from tests.api.conftest import bearer

THREADS = 12
ROUNDS = 5


def test_concurrent_requests_with_one_token_never_fail(app, db, make_user, token_for):
    secret = token_for(make_user("gate"))
    start = threading.Barrier(THREADS)

    def call(_n):
        client = app.test_client()
        start.wait()
        return [client.get("/api/v1/me", headers=bearer(secret)).status_code for _ in range(ROUNDS)]

    with ThreadPoolExecutor(THREADS) as pool:
        statuses = [code for codes in pool.map(call, range(THREADS)) for code in codes]

    assert statuses == [200] * (THREADS * ROUNDS)
    db.session.expire_all()
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.prefix == secret[:10]))
    assert token.last_used_at is not None
    uses = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "token.use", AuditEntry.object_id == str(token.id))
    ).all()
    assert len(uses) == 1
