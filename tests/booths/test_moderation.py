"""Moderation: rejecting or suspending a partner withdraws its booths at fairs that have not ended
and locks its accounts out of editing; reinstating brings nothing back by itself; organisers of the
ward hide and show vacancies."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from fairapp.audit.models import AuditEntry
from fairapp.booths import moderation, services
from fairapp.booths.models import Booth, BoothStatus, VacancyOffer
from fairapp.errors import DomainError
from fairapp.fairs.models import FairStatus
from fairapp.modelbase import utcnow
from fairapp.partners import services as partner_services
from fairapp.partners.models import PartnerStatus, Vacancy

SONG_CONG = "05518"
VACANCY = {"title": "Công nhân may", "quantity": "20"}

BACH_QUANG = "05528"  # the published_fair's ward


def actions(db, object_type=None) -> list[str]:
    query = sa.select(AuditEntry.action).order_by(AuditEntry.id)
    if object_type:
        query = query.where(AuditEntry.object_type == object_type)
    return list(db.session.scalars(query))


@pytest.mark.parametrize("decision", ["reject", "suspend"])
def test_rejecting_or_suspending_withdraws_the_booths_at_fairs_not_ended(
    decision, db, make_user, make_employer, published_fair
):
    organiser = make_user("organiser")
    employer = make_employer()
    past = utcnow() - timedelta(days=3)
    held = {
        "confirmed": Booth(
            fair_id=published_fair().id, employer_id=employer.id, status=BoothStatus.CONFIRMED, label="A1"
        ),
        "applied": Booth(fair_id=published_fair().id, employer_id=employer.id, status=BoothStatus.APPLIED),
        "invited": Booth(fair_id=published_fair().id, employer_id=employer.id, status=BoothStatus.INVITED),
        "ended": Booth(
            fair_id=published_fair(
                starts_at=past, ends_at=past + timedelta(hours=4), status=FairStatus.CLOSED
            ).id,
            employer_id=employer.id,
            status=BoothStatus.CONFIRMED,
            label="A9",
        ),
    }
    db.session.add_all(held.values())
    db.session.commit()

    outcome = moderation.decide(employer, decision, "Giấy phép kinh doanh bị thu hồi", by=organiser)
    db.session.commit()

    assert outcome.before == PartnerStatus.APPROVED
    assert {b.id for b in outcome.withdrawn} == {held[k].id for k in ("confirmed", "applied", "invited")}
    for key in ("confirmed", "applied", "invited"):
        booth = db.session.get(Booth, held[key].id)
        assert booth.status == BoothStatus.CANCELLED and booth.label is None
        assert booth.cancel_reason == "Giấy phép kinh doanh bị thu hồi"
    ended = db.session.get(Booth, held["ended"].id)
    assert ended.status == BoothStatus.CONFIRMED and ended.label == "A9"  # history stays
    assert actions(db, "booths").count("booth.withdraw") == 3
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == f"employer.{decision}")).one()
    assert entry.actor_id == organiser.id
    assert entry.details == {
        "from": "approved",
        "to": "rejected" if decision == "reject" else "suspended",
        "reason": "Giấy phép kinh doanh bị thu hồi",
    }


def test_reinstating_does_not_bring_withdrawn_booths_back(db, make_user, make_school, published_fair):
    organiser = make_user("organiser", ward_codes=[BACH_QUANG])
    school = make_school()
    fair = published_fair()
    booth = services.invite(fair, school=school, by=organiser, label="B1", confirm=True)
    db.session.commit()
    moderation.decide(school, "suspend", "Tuyển sinh sai quy định", by=organiser)
    assert school.suspend_reason == "Tuyển sinh sai quy định" and school.suspended_at is not None

    outcome = moderation.decide(school, "reinstate", by=organiser)
    db.session.commit()

    assert outcome.withdrawn == [] and school.status == PartnerStatus.APPROVED
    assert school.suspend_reason is None and school.suspended_at is None
    assert db.session.get(Booth, booth.id).status == BoothStatus.CANCELLED
    assert "school.reinstate" in actions(db, "schools")
    # the school applies again; its booth waits for an organiser's confirmation
    again = services.apply(fair, by=make_user("school", school_id=school.id))
    assert again.id == booth.id and again.status == BoothStatus.APPLIED


@pytest.mark.parametrize(
    ("status", "decision", "code"),
    [
        ("pending", "suspend", "invalid_transition"),
        ("rejected", "suspend", "invalid_transition"),
        ("approved", "reinstate", "invalid_transition"),
        ("suspended", "approve", "invalid_transition"),
        ("approved", "approve", "invalid_transition"),
        ("approved", "suspend", "reason_required"),
        ("suspended", "reject", "reason_required"),
    ],
)
def test_decisions_follow_the_status_rules(status, decision, code, db, make_user, make_employer):
    employer = make_employer(status=status)
    with pytest.raises(DomainError) as caught:
        moderation.decide(employer, decision, "  ", by=make_user("organiser"))
    assert caught.value.code == code
    assert employer.status == PartnerStatus(status)


def test_only_staff_decide(db, make_user, make_employer):
    employer = make_employer()
    for role, extra in (("employer", {"employer_id": employer.id}), ("gate", {})):
        with pytest.raises(DomainError) as caught:
            moderation.decide(employer, "suspend", "Lý do", by=make_user(role, **extra))
        assert caught.value.code == "forbidden"
    assert employer.status == PartnerStatus.APPROVED


@pytest.mark.parametrize("decision", ["reject", "suspend"])
def test_a_locked_employers_accounts_can_no_longer_edit(
    decision, db, make_user, make_employer, published_fair
):
    employer = make_employer(name="Công ty TNHH May Sông Công")
    user = make_user("employer", employer_id=employer.id)
    vacancy = partner_services.create_vacancy(employer, VACANCY, by=user)
    db.session.commit()
    moderation.decide(employer, decision, "Vi phạm quy định", by=make_user("organiser"))
    db.session.commit()

    attempts = {
        "profile": lambda: partner_services.update_employer(employer, {"name": "Tên mới"}, by=user),
        "new vacancy": lambda: partner_services.create_vacancy(employer, VACANCY, by=user),
        "vacancy": lambda: partner_services.update_vacancy(vacancy, {**VACANCY, "title": "Mới"}, by=user),
        "delete": lambda: partner_services.delete_vacancy(vacancy, by=user),
        "booth": lambda: services.apply(published_fair(), by=user),
        "colleague": lambda: partner_services.add_colleague(user, {"email": "b@example.vn"}),
    }
    for name, attempt in attempts.items():
        with pytest.raises(DomainError) as caught:
            attempt()
        assert caught.value.code == "partner_locked", name
        assert caught.value.status == 403
        assert "tạm ngừng" in str(caught.value.message)
        db.session.rollback()
    assert employer.name == "Công ty TNHH May Sông Công" and vacancy.title == "Công nhân may"
    # staff still correct the record
    partner_services.update_employer(
        employer,
        {"name": "Công ty TNHH May Sông Công (cũ)", "tax_code": employer.tax_code},
        by=make_user("admin"),
    )
    assert employer.name == "Công ty TNHH May Sông Công (cũ)"


def test_a_suspended_schools_accounts_can_no_longer_edit(db, make_user, make_school):
    school = make_school()
    user = make_user("school", school_id=school.id)
    programme = partner_services.create_programme(
        school, {"name": "Điện dân dụng", "level": "so_cap"}, by=user
    )
    moderation.decide(school, "suspend", "Vi phạm quy định", by=make_user("organiser"))
    db.session.commit()
    for attempt in (
        lambda: partner_services.update_school(school, {"name": "Tên mới"}, by=user),
        lambda: partner_services.create_programme(school, {"name": "Hàn", "level": "so_cap"}, by=user),
        lambda: partner_services.update_programme(programme, {"name": "Mới", "level": "so_cap"}, by=user),
    ):
        with pytest.raises(DomainError) as caught:
            attempt()
        assert caught.value.code == "partner_locked"
        db.session.rollback()
    assert programme.name == "Điện dân dụng"


def test_a_pending_partner_still_edits_its_profile(db, make_user, make_employer):
    employer = make_employer(status="pending")
    user = make_user("employer", employer_id=employer.id)
    partner_services.update_employer(employer, {"name": "Công ty TNHH Đã Sửa"}, by=user)
    assert employer.name == "Công ty TNHH Đã Sửa"
    with pytest.raises(DomainError) as caught:
        partner_services.create_vacancy(employer, VACANCY, by=user)
    assert caught.value.code == "not_approved"


def test_a_suspended_partners_booth_is_not_confirmed(db, make_user, make_employer, published_fair):
    organiser = make_user("organiser", ward_codes=[BACH_QUANG])
    employer = make_employer()
    booth = services.apply(published_fair(), by=make_user("employer", employer_id=employer.id))
    employer.status = PartnerStatus.SUSPENDED  # e.g. by a concurrent request
    with pytest.raises(DomainError) as caught:
        services.confirm(booth, by=organiser, label="A1")
    assert caught.value.code == "not_approved"
    assert booth.status == BoothStatus.APPLIED


# --- Hiding a vacancy ------------------------------------------------------------------------------


@pytest.fixture()
def offered(db, make_user, make_employer, published_fair):
    """A vacancy of an employer without a ward, offered at a fair in Phường Bách Quang."""
    employer = make_employer()
    fair = published_fair()
    vacancy = Vacancy(employer_id=employer.id, title="Bảo vệ ca đêm", quantity=2)
    db.session.add(vacancy)
    db.session.flush()
    db.session.add_all(
        [
            VacancyOffer(fair_id=fair.id, vacancy_id=vacancy.id),
            Booth(fair_id=fair.id, employer_id=employer.id, status=BoothStatus.CONFIRMED),
        ]
    )
    db.session.commit()
    return vacancy


def _ward_organiser(make_user, db, code):
    from fairapp.geo.models import Ward

    user = make_user("organiser")
    user.wards = [db.session.get(Ward, code)]
    db.session.commit()
    return user


def test_an_organiser_of_the_ward_hides_and_shows_a_vacancy(db, make_user, offered):
    organiser = _ward_organiser(make_user, db, "05528")  # the fair's ward
    fair_id = db.session.scalar(sa.select(VacancyOffer.fair_id))
    assert [v.id for v in services.public_offer(fair_id).vacancies] == [offered.id]

    with pytest.raises(DomainError) as caught:
        moderation.hide_vacancy(offered, " ", by=organiser)
    assert caught.value.code == "reason_required"
    moderation.hide_vacancy(offered, "Tin tuyển dụng sai sự thật", by=organiser)
    db.session.commit()
    assert offered.hidden_at is not None and offered.hide_reason == "Tin tuyển dụng sai sự thật"
    assert services.public_offer(fair_id).vacancies == []
    with pytest.raises(DomainError) as caught:
        moderation.hide_vacancy(offered, "Lần nữa", by=organiser)
    assert caught.value.code == "invalid_transition"

    moderation.unhide_vacancy(offered, by=organiser)
    db.session.commit()
    assert offered.hidden_at is None and offered.hide_reason is None
    assert [v.id for v in services.public_offer(fair_id).vacancies] == [offered.id]
    with pytest.raises(DomainError) as caught:
        moderation.unhide_vacancy(offered, by=organiser)
    assert caught.value.code == "invalid_transition"
    entries = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.object_type == "vacancies").order_by(AuditEntry.id)
    ).all()
    assert [e.action for e in entries] == ["vacancy.hide", "vacancy.unhide"]
    assert entries[0].details["reason"] == "Tin tuyển dụng sai sự thật"
    assert entries[0].actor_id == organiser.id


def test_only_an_organiser_of_a_ward_concerned_or_an_admin_hides(db, make_user, offered):
    elsewhere = _ward_organiser(make_user, db, SONG_CONG)
    with pytest.raises(DomainError) as caught:
        moderation.hide_vacancy(offered, "Lý do", by=elsewhere)
    assert caught.value.code == "ward_not_allowed"
    own = make_user("employer", employer_id=offered.employer_id)
    with pytest.raises(DomainError) as caught:
        moderation.hide_vacancy(offered, "Lý do", by=own)
    assert caught.value.code == "forbidden"
    assert offered.hidden_at is None
    # the employer's own ward counts too
    offered.employer.ward_code = SONG_CONG
    moderation.hide_vacancy(offered, "Lý do", by=elsewhere)
    moderation.unhide_vacancy(offered, by=make_user("admin"))
    assert offered.hidden_at is None
