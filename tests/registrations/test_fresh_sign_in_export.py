"""An export of personal data asks for a fresh sign-in (FRESH_SIGN_IN_MINUTES): older, the browser
confirms it is still its owner and comes back to the export; the export itself is unchanged."""

import time

import pyotp
import sqlalchemy as sa

from fairapp.audit.models import AuditEntry
from fairapp.auth.sign_in_state import SIGNED_IN_AT
from tests.auth.test_two_factor_views import code_step, enrol, password_step, post_form
from tests.conftest import PASSWORD
from tests.registrations.conftest import BACH_QUANG


def test_an_export_after_ten_minutes_asks_to_confirm_first(client, make_user, make_fair, register, db):
    fair = make_fair()
    register(fair, "Nguyễn Thị Hồng Nhung", citizen_id="019195001234")
    user = make_user("organiser", ward_codes=[BACH_QUANG])
    secret, _codes = enrol(user, db)
    password_step(client, user)
    code_step(client, pyotp.TOTP(secret).now())
    export = f"/manage/fairs/{fair.id}/registrations/export.csv"
    assert client.get(export).status_code == 200  # just signed in

    with client.session_transaction() as session:
        session[SIGNED_IN_AT] = int(time.time()) - 11 * 60
    response = client.get(export)
    assert response.status_code == 302 and response.headers["Location"] == f"/confirm?next={export}"
    exports = sa.select(sa.func.count()).where(AuditEntry.action == "export.registrations")
    assert db.session.scalar(exports) == 1  # nothing exported meanwhile

    wrong = post_form(client, f"/confirm?next={export}", {"password": PASSWORD, "code": "000000"})
    assert wrong.status_code == 200 and client.get(export).status_code == 302
    # The sign-in's code was used; the next step's is accepted already (one step either side).
    code = pyotp.TOTP(secret).at(time.time() + 30)
    right = post_form(client, f"/confirm?next={export}", {"password": PASSWORD, "code": code})
    assert right.status_code == 302 and right.headers["Location"] == export
    response = client.get(export)
    assert response.status_code == 200 and "Nguyễn Thị Hồng Nhung" in response.get_data().decode("utf-8-sig")
    assert db.session.scalar(exports) == 2
