"""Booths: apply, invite, confirm with a label, the booth limit, each side's list."""

import pytest
import sqlalchemy as sa

from fairapp.booths import services
from fairapp.booths.models import Booth, BoothStatus
from fairapp.errors import Conflict, Forbidden, ValidationError
from fairapp.fairs.models import FairStatus
from tests.conftest import csrf_token_from
from tests.partners.conftest import BACH_QUANG


def test_apply_confirm_and_limit(db, make_user, make_employer, make_school, published_fair):
    organiser = make_user("organiser", ward_codes=[BACH_QUANG])
    fair = published_fair()
    services.set_booth_limit(fair, 1, by=organiser)
    a, b = make_employer(), make_employer()
    booth_a = services.apply(fair, by=make_user("employer", employer_id=a.id))
    booth_b = services.apply(fair, by=make_user("employer", employer_id=b.id))
    assert booth_a.status == booth_b.status == BoothStatus.APPLIED
    services.confirm(booth_a, by=organiser, label="A1")
    with pytest.raises(Conflict) as caught:
        services.confirm(booth_b, by=organiser, label="A2")
    assert caught.value.code == "booth_limit_reached"
    with pytest.raises(Conflict) as caught:
        services.invite(fair, school=make_school(), by=organiser)
    assert caught.value.code == "booth_limit_reached"
    with pytest.raises(ValidationError):
        services.set_booth_limit(fair, 0, by=organiser)
    services.set_booth_limit(fair, 2, by=organiser)
    with pytest.raises(Conflict) as caught:
        services.confirm(booth_b, by=organiser, label="A1")
    assert caught.value.code == "label_taken"
    services.confirm(booth_b, by=organiser, label="A2")
    db.session.commit()
    assert {b.label for b in db.session.scalars(sa.select(Booth))} == {"A1", "A2"}


def test_rules_for_applying(db, make_user, make_employer, published_fair):
    pending = make_employer(status="pending")
    with pytest.raises(Forbidden) as caught:
        services.apply(published_fair(), by=make_user("employer", employer_id=pending.id))
    assert caught.value.code == "not_approved"
    employer = make_employer()
    draft = published_fair(status=FairStatus.DRAFT)
    with pytest.raises(Conflict) as caught:
        services.apply(draft, by=make_user("employer", employer_id=employer.id))
    assert caught.value.code == "fair_not_open"
    with pytest.raises(Forbidden):
        services.apply(published_fair(), by=make_user("organiser"))


def test_invitation_accepted_and_refusal_needs_reason(db, make_user, make_school, published_fair):
    organiser = make_user("organiser", ward_codes=[BACH_QUANG])
    school = make_school()
    fair = published_fair()
    booth = services.invite(fair, school=school, by=organiser)
    assert booth.status == BoothStatus.INVITED
    services.accept(booth, by=make_user("school", school_id=school.id))
    assert booth.status == BoothStatus.CONFIRMED
    with pytest.raises(ValidationError) as caught:
        services.cancel(booth, by=organiser)
    assert caught.value.code == "reason_required"
    services.cancel(booth, by=organiser, reason="Đơn vị không đến")
    assert booth.status == BoothStatus.CANCELLED and booth.cancel_reason == "Đơn vị không đến"


def test_each_side_sees_its_list(client, auth, db, make_user, make_employer, published_fair):
    fair = published_fair()
    a, b = make_employer(), make_employer()
    services.apply(fair, by=make_user("employer", employer_id=b.id))
    db.session.commit()
    auth.login("employer", employer_id=a.id)
    html = client.get("/booths").get_data(as_text=True)
    assert fair.title in html and "Đăng ký gian hàng" in html and b.name not in html
    token = csrf_token_from(html)
    assert client.post(f"/booths/apply/{fair.id}", data={"csrf_token": token}).status_code == 302
    assert "Chờ xác nhận" in client.get("/booths").get_data(as_text=True)
    assert client.get(f"/manage/fairs/{fair.id}/booths").status_code == 403
    auth.logout()
    auth.login("organiser", ward_codes=[BACH_QUANG])
    page = client.get(f"/manage/fairs/{fair.id}/booths").get_data(as_text=True)
    assert a.name in page and b.name in page
    booth = db.session.scalar(sa.select(Booth).where(Booth.employer_id == a.id))
    token = csrf_token_from(page)
    client.post(f"/manage/booths/{booth.id}/confirm", data={"csrf_token": token, "label": "B7"})
    db.session.refresh(booth)
    assert booth.status == BoothStatus.CONFIRMED and booth.label == "B7"
    public = client.get(f"/fairs/{fair.id}").get_data(as_text=True)
    assert a.name in public and b.name not in public
