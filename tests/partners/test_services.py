"""Partner services: every field checked at once, duplicate tax codes, approval, vacancy rules."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from fairapp.audit.models import AuditEntry
from fairapp.auth.models import Role, User
from fairapp.booths import moderation
from fairapp.booths import services as booth_services
from fairapp.booths.models import Booth, BoothStatus, VacancyOffer
from fairapp.errors import Conflict, Forbidden, NotFound, ValidationError
from fairapp.modelbase import utcnow
from fairapp.partners import services
from fairapp.partners.models import Employer, PartnerStatus, Vacancy
from fairapp.partners.standing import InvalidTransition
from tests.partners.conftest import TAX_A, TAX_B

GOOD = {
    "name": "Công ty TNHH May Sông Công",
    "tax_code": TAX_A,
    "industry": "May mặc",
    "ward_code": "05518",
    "phone": "0912 345 678",
    "email": "TuyenDung@maysongcong.vn",
}
ACCOUNT = {"full_name": "Nguyễn Thị Lan", "email": "lan@maysongcong.vn", "password": "mat-khau-1"}


def test_created_by_staff_is_approved_at_once(db, make_user):
    organiser = make_user("organiser")
    employer = services.create_employer(GOOD, by=organiser)
    db.session.commit()
    assert employer.status == PartnerStatus.APPROVED and employer.approved_at is not None
    assert employer.phone == "0912345678" and employer.email == "tuyendung@maysongcong.vn"
    assert services.create_employer({**GOOD, "tax_code": TAX_A + "-001"}).status == PartnerStatus.PENDING


def test_every_bad_field_is_named_and_nothing_saved(db):
    with pytest.raises(ValidationError) as caught:
        services.create_employer(
            {
                "name": " ",
                "tax_code": "0101234566",
                "ward_code": "99999",
                "phone": "12345",
                "email": "khong-phai-email",
            }
        )
    fields = caught.value.fields
    assert set(fields) == {"name", "tax_code", "ward_code", "phone", "email"}
    assert caught.value.code == "invalid_tax_code"
    assert str(fields["name"]).startswith("Tên doanh nghiệp")
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Employer)) == 0


def test_duplicate_tax_code_says_whom_to_contact(app, db):
    app.config["PARTNERS_CONTACT"] = "Phòng Văn hoá – Xã hội phường Sông Công, 0208 3862 345"
    services.create_employer(GOOD)
    db.session.commit()
    with pytest.raises(Conflict) as caught:
        services.create_employer({**GOOD, "name": "Tên khác", "tax_code": "0101.234.565"})
    assert caught.value.code == "employer_exists" and caught.value.status == 409
    message = str(caught.value.message)
    assert "đã được đăng ký" in message and "Phòng Văn hoá – Xã hội phường Sông Công" in message
    assert "tax_code" in caught.value.fields


def test_duplicate_tax_code_is_refused_by_the_database_too(db):
    db.session.add(Employer(name="A", tax_code=TAX_B))
    db.session.flush()
    db.session.add(Employer(name="B", tax_code=TAX_B))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()


def test_self_registration_makes_pending_employer_and_linked_account(db):
    employer, user = services.register_employer(GOOD, ACCOUNT)
    db.session.commit()
    assert employer.status == PartnerStatus.PENDING
    assert user.role == Role.EMPLOYER and user.employer_id == employer.id
    actions = set(db.session.scalars(sa.select(AuditEntry.action)))
    assert {"employer.create", "employer.register", "user.create"} <= actions


def test_self_registration_reports_company_and_account_errors_together(db):
    with pytest.raises(ValidationError) as caught:
        services.register_employer({**GOOD, "tax_code": "abc"}, {"full_name": "", "password": "ngan"})
    assert {"tax_code", "account_full_name", "account_email", "password"} <= set(caught.value.fields)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_approval_and_rejection_are_audited(db, make_user, make_employer):
    organiser = make_user("organiser")
    employer = make_employer(status="pending")
    with pytest.raises(ValidationError) as caught:
        moderation.decide(employer, "reject", "  ", by=organiser)
    assert caught.value.code == "reason_required"
    moderation.decide(employer, "reject", "Mã số thuế không khớp giấy phép", by=organiser)
    assert employer.status == PartnerStatus.REJECTED
    services.approve_employer(employer, by=organiser)
    db.session.commit()
    assert employer.status == PartnerStatus.APPROVED and employer.reject_reason is None
    entries = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.object_type == "employers").order_by(AuditEntry.id)
    ).all()
    assert [e.action for e in entries][-2:] == ["employer.reject", "employer.approve"]
    assert entries[-2].details["reason"] == "Mã số thuế không khớp giấy phép"
    with pytest.raises(InvalidTransition):
        services.approve_employer(employer, by=organiser)
    employer_user = make_user("employer", employer_id=employer.id)
    with pytest.raises(Forbidden):
        services.approve_employer(employer, by=employer_user)


def vacancy(**overrides):
    return {
        "title": "Công nhân may",
        "quantity": "20",
        "salary_min": "6.500.000",
        "salary_max": "8.000.000",
        "education": "lower_secondary",
        "age_min": 18,
        "age_max": 40,
        "deadline": None,
        **overrides,
    }


@pytest.mark.parametrize(
    ("data", "field", "code"),
    [
        ({"quantity": 0}, "quantity", "quantity_not_positive"),
        ({"quantity": "-3"}, "quantity", "quantity_not_positive"),
        ({"quantity": "hai mươi"}, "quantity", "validation_error"),
        ({"salary_min": 9_000_000, "salary_max": 7_000_000}, "salary_max", "salary_range"),
        ({"deadline": "01/01/2020"}, "deadline", "deadline_in_past"),
        ({"deadline": "31/02/2030"}, "deadline", "validation_error"),
        ({"age_min": 45, "age_max": 30}, "age_max", "age_range"),
        ({"age_min": 12}, "age_min", "validation_error"),
        ({"title": ""}, "title", "validation_error"),
        ({"education": "tiến sĩ"}, "education", "validation_error"),
    ],
)
def test_bad_vacancies_are_refused_per_field(db, make_user, make_employer, data, field, code):
    employer = make_employer()
    user = make_user("employer", employer_id=employer.id)
    with pytest.raises(ValidationError) as caught:
        services.create_vacancy(employer, vacancy(**data), by=user)
    assert caught.value.code == code
    assert field in caught.value.fields
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Vacancy)) == 0


def test_vacancy_with_negotiable_salary_and_offers_applies_for_a_booth(
    db, make_user, make_employer, published_fair
):
    employer = make_employer()
    fair = published_fair()
    user = make_user("employer", employer_id=employer.id)
    created = services.create_vacancy(
        employer,
        vacancy(salary_min="", salary_max=None, deadline=(utcnow() + timedelta(days=30)).date()),
        by=user,
    )
    booth_services.set_offers(created, [fair.id], by=user)
    db.session.commit()
    assert created.salary_min is None and created.salary_max is None and created.quantity == 20
    assert db.session.scalar(sa.select(VacancyOffer.fair_id)) == fair.id
    booth = db.session.scalar(sa.select(Booth))
    assert booth.employer_id == employer.id and booth.status == BoothStatus.APPLIED


def test_offering_at_a_draft_fair_is_refused(db, make_user, make_employer, published_fair):
    from fairapp.fairs.models import FairStatus

    employer = make_employer()
    draft = published_fair(status=FairStatus.DRAFT)
    user = make_user("employer", employer_id=employer.id)
    created = services.create_vacancy(employer, vacancy(), by=user)
    with pytest.raises(Conflict) as caught:
        booth_services.set_offers(created, [draft.id], by=user)
    assert caught.value.code == "fair_not_open"


def test_who_may_add_vacancies(db, make_user, make_employer, make_school):
    mine, other = make_employer(), make_employer()
    pending = make_employer(status="pending")
    with pytest.raises(NotFound):
        services.create_vacancy(other, vacancy(), by=make_user("employer", employer_id=mine.id))
    with pytest.raises(Forbidden) as caught:
        services.create_vacancy(pending, vacancy(), by=make_user("employer", employer_id=pending.id))
    assert caught.value.code == "not_approved"
    with pytest.raises(Forbidden) as caught:
        services.create_vacancy(mine, vacancy(), by=make_user("school", school_id=make_school().id))
    assert caught.value.code == "forbidden"
    assert services.create_vacancy(pending, vacancy(), by=make_user("organiser")).id


def test_colleagues_only_for_approved_partners(db, make_user, make_employer):
    employer = make_employer(status="pending")
    first = make_user("employer", employer_id=employer.id)
    with pytest.raises(Forbidden):
        services.add_colleague(
            first, {"full_name": "Trần Văn Minh", "email": "minh@example.vn", "password": "mat-khau-2"}
        )
    employer.status = PartnerStatus.APPROVED
    colleague = services.add_colleague(
        first, {"full_name": "Trần Văn Minh", "email": "minh@example.vn", "password": "mat-khau-2"}
    )
    assert colleague.role == Role.EMPLOYER and colleague.employer_id == employer.id


def test_programme_rules(db, make_user, make_school):
    school = make_school()
    user = make_user("school", school_id=school.id)
    with pytest.raises(ValidationError) as caught:
        services.create_programme(school, {"name": "", "level": "", "seats": 0, "tuition": -1}, by=user)
    assert {"name", "level", "seats", "tuition"} <= set(caught.value.fields)
    programme = services.create_programme(
        school,
        {
            "name": "May công nghiệp",
            "level": "so_cap",
            "duration_months": "3",
            "tuition": "0",
            "priority_support": "Miễn học phí cho hộ nghèo",
        },
        by=user,
    )
    assert programme.tuition == 0 and programme.duration_months == 3
