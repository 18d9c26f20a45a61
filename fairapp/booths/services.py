"""Booths: an employer or school applies for a fair (or an organiser invites it), the organiser
confirms and gives it a label ("A3"); a fair may have a booth limit. Services flush, never commit.

Error codes: fair_not_open (409: the fair is not published/open or has ended), not_approved (403),
partner_locked (403), booth_exists (409), booth_limit_reached (409), label_taken (409),
invalid_transition (409), reason_required / validation_error (422), forbidden (403), not_found (404),
ward_not_allowed (403).

public_offer() is what the public sees at a fair: the public fair page, the registration form and the
ticket page all read it, so a partner or vacancy taken out of view disappears from all of them."""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import contains_eager

from fairapp.audit.services import SYSTEM, Origin, record
from fairapp.auth.models import Role
from fairapp.booths.models import Booth, BoothStatus, FairBoothSettings, VacancyOffer
from fairapp.errors import Conflict, Forbidden, NotFound, ValidationError
from fairapp.extensions import db
from fairapp.fairs.models import Fair, FairStatus
from fairapp.fairs.services import ensure_may_act, local_day
from fairapp.modelbase import utcnow
from fairapp.partners.models import Employer, PartnerStatus, School, TrainingProgramme, Vacancy, VacancyStatus
from fairapp.partners.standing import InvalidTransition, NotApproved, ensure_active, is_staff

OPEN_FOR_BOOTHS = (FairStatus.PUBLISHED, FairStatus.OPEN)
ACTIVE = (BoothStatus.APPLIED, BoothStatus.INVITED, BoothStatus.CONFIRMED)


class FairNotOpen(Conflict):
    code = "fair_not_open"
    message = _l("Phiên giao dịch này chưa công bố hoặc đã kết thúc nên không nhận đăng ký gian hàng.")


class BoothLimitReached(Conflict):
    code = "booth_limit_reached"
    message = _l("Phiên giao dịch đã đủ số gian hàng tối đa.")


class BoothExists(Conflict):
    code = "booth_exists"
    message = _l("Đơn vị này đã đăng ký hoặc đã được mời tham gia phiên giao dịch này.")


def _holder(booth: Booth):
    return booth.employer or booth.school


def _ensure_open(fair: Fair, now: datetime) -> None:
    if fair.status_at(now) not in OPEN_FOR_BOOTHS:
        raise FairNotOpen()


# --- Limit -----------------------------------------------------------------------------------------


def booth_limit(fair: Fair) -> int | None:
    settings = db.session.get(FairBoothSettings, fair.id)
    return settings.booth_limit if settings else None


def set_booth_limit(fair: Fair, limit: int | None, *, by, origin: Origin = SYSTEM) -> None:
    """None: no limit. Raises validation_error for a limit ≤ 0 or below the booths already confirmed."""
    ensure_may_act(by, fair.ward_code)
    if limit is not None and limit <= 0:
        raise ValidationError(
            code="limit_not_positive",
            fields={"booth_limit": _l("Số gian hàng tối đa: phải lớn hơn 0 (để trống nếu không giới hạn).")},
        )
    if limit is not None and limit < count_booths(fair, (BoothStatus.CONFIRMED,)):
        raise ValidationError(
            code="limit_below_confirmed",
            fields={"booth_limit": _l("Số gian hàng tối đa: không được nhỏ hơn số gian hàng đã xác nhận.")},
        )
    settings = db.session.get(FairBoothSettings, fair.id) or FairBoothSettings(fair_id=fair.id)
    settings.booth_limit = limit
    db.session.add(settings)
    record("fair.booth_limit", actor=by, target=fair, origin=origin, details={"booth_limit": limit})
    db.session.flush()


def count_booths(fair: Fair, statuses) -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Booth)
        .where(Booth.fair_id == fair.id, Booth.status.in_(statuses))
    )


def _check_room(fair: Fair, statuses=(BoothStatus.CONFIRMED,)) -> None:
    """Lock the fair's settings row (PostgreSQL) so two confirmations cannot both take the last place."""
    settings = db.session.scalars(
        sa.select(FairBoothSettings).where(FairBoothSettings.fair_id == fair.id).with_for_update()
    ).one_or_none()
    if settings and settings.booth_limit is not None and count_booths(fair, statuses) >= settings.booth_limit:
        raise BoothLimitReached(_l("Phiên giao dịch đã đủ %(n)s gian hàng tối đa.", n=settings.booth_limit))


# --- Creating booths -------------------------------------------------------------------------------


def _existing(fair: Fair, employer: Employer | None, school: School | None) -> Booth | None:
    column, value = (Booth.employer_id, employer.id) if employer else (Booth.school_id, school.id)
    return db.session.scalar(sa.select(Booth).where(Booth.fair_id == fair.id, column == value))


def _partner_of(by) -> tuple[Employer | None, School | None]:
    if by is not None and by.role == Role.EMPLOYER and by.employer_id:
        partner = db.session.get(Employer, by.employer_id)
        return partner, None
    if by is not None and by.role == Role.SCHOOL and by.school_id:
        return None, db.session.get(School, by.school_id)
    raise Forbidden()


def _new_booth(fair, employer, school, *, status, label=None, by, origin, now, action) -> Booth:
    booth = _existing(fair, employer, school)
    if booth is not None and booth.status != BoothStatus.CANCELLED:
        raise BoothExists()
    if booth is None:
        booth = Booth(
            fair_id=fair.id,
            employer_id=getattr(employer, "id", None),
            school_id=getattr(school, "id", None),
            created_by=getattr(by, "id", None),
        )
        db.session.add(booth)
    booth.status, booth.cancel_reason = status, None
    if status == BoothStatus.CONFIRMED:
        booth.confirmed_at = now
    _set_label(booth, label)
    _flush_booth()
    record(
        action,
        actor=by,
        target=booth,
        origin=origin,
        details={"fair_id": fair.id, "employer_id": booth.employer_id, "school_id": booth.school_id},
    )
    db.session.flush()
    return booth


def _flush_booth() -> None:
    try:
        with db.session.begin_nested():
            db.session.flush()
    except sa.exc.IntegrityError:
        raise Conflict(
            _l("Gian hàng: số hiệu này đã dùng cho gian hàng khác của phiên, hoặc đơn vị đã có gian hàng."),
            code="label_taken",
            fields={"label": _l("Số hiệu gian hàng: đã dùng ở phiên này.")},
        ) from None


def _set_label(booth: Booth, label: str | None) -> None:
    label = (label or "").strip() or None
    if label is not None and len(label) > 50:
        raise ValidationError(fields={"label": _l("Số hiệu gian hàng: dài tối đa 50 ký tự.")})
    if label is not None:
        taken = db.session.scalar(
            sa.select(Booth.id).where(
                Booth.fair_id == booth.fair_id, Booth.label == label, Booth.id != (booth.id or 0)
            )
        )
        if taken is not None:
            raise Conflict(
                _l("Số hiệu gian hàng %(label)s đã dùng ở phiên này.", label=label),
                code="label_taken",
                fields={"label": _l("Số hiệu gian hàng: đã dùng ở phiên này.")},
            )
    booth.label = label


def apply(fair: Fair, *, by, origin: Origin = SYSTEM, now: datetime | None = None) -> Booth:
    """The signed-in employer or school applies for a booth. Accepting an invitation confirms it."""
    now = now or utcnow()
    employer, school = _partner_of(by)
    partner = employer or school
    if partner is None:
        raise Forbidden()
    ensure_active(partner)
    _ensure_open(fair, now)
    booth = _existing(fair, employer, school)
    if booth is not None and booth.status == BoothStatus.INVITED:
        return accept(booth, by=by, origin=origin, now=now)
    return _new_booth(
        fair,
        employer,
        school,
        status=BoothStatus.APPLIED,
        by=by,
        origin=origin,
        now=now,
        action="booth.apply",
    )


def ensure_booth(fair: Fair, *, employer: Employer, by, origin: Origin = SYSTEM) -> Booth:
    """The employer's booth at the fair; an application is made when it has none (or a cancelled one
    when staff offer its vacancy there)."""
    booth = _existing(fair, employer, None)
    if booth is not None and booth.status != BoothStatus.CANCELLED:
        return booth
    return _new_booth(
        fair,
        employer,
        None,
        status=BoothStatus.APPLIED,
        by=by,
        origin=origin,
        now=utcnow(),
        action="booth.apply",
    )


# --- A vacancy recruited for at fairs --------------------------------------------------------------


def offerable_fairs(*, now: datetime | None = None) -> list[Fair]:
    """Fairs a vacancy can be offered at: published or open at `now` (so not yet ended)."""
    now = now or utcnow()
    return db.session.scalars(
        sa.select(Fair).where(Fair.status_at(now).in_(OPEN_FOR_BOOTHS)).order_by(Fair.starts_at, Fair.id)
    ).all()


def set_offers(
    vacancy: Vacancy, fair_ids: list[int], *, by, origin: Origin = SYSTEM, now: datetime | None = None
) -> None:
    """The vacancy is recruited for at exactly these upcoming fairs (offers at past fairs stay). The
    employer applies for a booth at a fair it has none at yet. Audited ("vacancy.offers") when the
    offers change. Raises fair_not_open (409)."""
    now = now or utcnow()
    fairs = {fair.id: fair for fair in offerable_fairs(now=now)}
    wanted = set(fair_ids)
    if unknown := wanted - fairs.keys():
        raise Conflict(
            code="fair_not_open",
            fields={
                "fair_ids": _l(
                    "Phiên giao dịch: chỉ chọn được các phiên đã công bố và chưa kết thúc "
                    "(mã %(ids)s không hợp lệ).",
                    ids=", ".join(map(str, sorted(unknown))),
                )
            },
            message=_l("Chỉ chọn được các phiên đã công bố và chưa kết thúc."),
        )
    current = {
        offer.fair_id: offer
        for offer in db.session.scalars(sa.select(VacancyOffer).where(VacancyOffer.vacancy_id == vacancy.id))
    }
    withdrawn = sorted(fair_id for fair_id in current if fair_id in fairs and fair_id not in wanted)
    for fair_id in withdrawn:
        db.session.delete(current[fair_id])
    added = sorted(wanted - current.keys())
    for fair_id in added:
        db.session.add(VacancyOffer(fair_id=fair_id, vacancy_id=vacancy.id))
        ensure_booth(fairs[fair_id], employer=vacancy.employer, by=by, origin=origin)
    if added or withdrawn:
        record(
            "vacancy.offers",
            actor=by,
            target=vacancy,
            origin=origin,
            details={"added": added, "withdrawn": withdrawn},
        )
    db.session.flush()


def offered_fair_ids(vacancy: Vacancy) -> list[int]:
    return list(
        db.session.scalars(sa.select(VacancyOffer.fair_id).where(VacancyOffer.vacancy_id == vacancy.id))
    )


def invite(
    fair: Fair,
    *,
    employer: Employer | None = None,
    school: School | None = None,
    by,
    label: str | None = None,
    confirm: bool = False,
    origin: Origin = SYSTEM,
    now: datetime | None = None,
) -> Booth:
    """Staff invite an approved employer or school (or, with confirm=True, place it directly)."""
    now = now or utcnow()
    ensure_may_act(by, fair.ward_code)
    partner = employer or school
    if partner is None:
        raise ValidationError(
            fields={"partner": _l("Đơn vị: vui lòng chọn doanh nghiệp hoặc cơ sở đào tạo.")}
        )
    if partner.status != PartnerStatus.APPROVED:
        raise NotApproved(_l("Chỉ mời được đơn vị đã được duyệt."))
    _ensure_open(fair, now)
    _check_room(fair, (BoothStatus.CONFIRMED,) if confirm else (BoothStatus.CONFIRMED, BoothStatus.INVITED))
    return _new_booth(
        fair,
        employer,
        school,
        status=BoothStatus.CONFIRMED if confirm else BoothStatus.INVITED,
        label=label,
        by=by,
        origin=origin,
        now=now,
        action="booth.invite",
    )


def create_booth(
    fair: Fair,
    *,
    by,
    employer_id: int | None = None,
    school_id: int | None = None,
    label: str | None = None,
    origin: Origin = SYSTEM,
    now=None,
) -> Booth:
    """The API's POST /fairs/{id}/booths: staff place an employer or school (confirmed at once); an
    employer or school account applies for its own booth (another's id: not_found)."""
    if (employer_id is None) == (school_id is None):
        raise ValidationError(fields={"employer_id": _l("Cần đúng một trong employer_id và school_id.")})
    employer = db.session.get(Employer, employer_id) if employer_id is not None else None
    school = db.session.get(School, school_id) if school_id is not None else None
    if employer is None and school is None:
        raise NotFound()
    if is_staff(by):
        return invite(
            fair, employer=employer, school=school, by=by, label=label, confirm=True, origin=origin, now=now
        )
    own = (employer is not None and by.role == Role.EMPLOYER and by.employer_id == employer.id) or (
        school is not None and by.role == Role.SCHOOL and by.school_id == school.id
    )
    if not own:
        raise NotFound()
    return apply(fair, by=by, origin=origin, now=now)


# --- Deciding --------------------------------------------------------------------------------------


def confirm(booth: Booth, *, by, label: str | None = None, origin: Origin = SYSTEM, now=None) -> Booth:
    """Staff confirm an application (or invitation) and give the booth its label; on a confirmed
    booth this only changes the label. Raises booth_limit_reached, label_taken, invalid_transition."""
    now = now or utcnow()
    ensure_may_act(by, booth.fair.ward_code)
    if booth.status == BoothStatus.CANCELLED:
        raise InvalidTransition()
    if _holder(booth).status != PartnerStatus.APPROVED:
        raise NotApproved(_l("Chỉ xác nhận được gian hàng của đơn vị đã được duyệt."))
    if booth.status != BoothStatus.CONFIRMED:
        _check_room(booth.fair)
        booth.status, booth.confirmed_at = BoothStatus.CONFIRMED, now
    _set_label(booth, label)
    _flush_booth()
    record("booth.confirm", actor=by, target=booth, origin=origin, details={"label": booth.label})
    db.session.flush()
    return booth


def accept(booth: Booth, *, by, origin: Origin = SYSTEM, now=None) -> Booth:
    """The invited employer or school accepts: the booth is confirmed."""
    now = now or utcnow()
    _ensure_own(booth, by)
    ensure_active(_holder(booth))
    if booth.status != BoothStatus.INVITED:
        raise InvalidTransition()
    _ensure_open(booth.fair, now)
    _check_room(booth.fair)
    booth.status, booth.confirmed_at = BoothStatus.CONFIRMED, now
    record("booth.accept", actor=by, target=booth, origin=origin)
    db.session.flush()
    return booth


def cancel(booth: Booth, *, by, reason: str | None = None, origin: Origin = SYSTEM) -> Booth:
    """Staff refuse or cancel a booth (a reason is required); the holder withdraws or declines."""
    reason = (reason or "").strip()
    if is_staff(by):
        ensure_may_act(by, booth.fair.ward_code)
        if not reason:
            raise ValidationError(
                code="reason_required",
                fields={"reason": _l("Lý do: vui lòng nhập lý do từ chối hoặc huỷ gian hàng.")},
            )
    else:
        _ensure_own(booth, by)
    if booth.status == BoothStatus.CANCELLED:
        raise InvalidTransition()
    booth.status, booth.cancel_reason, booth.label = BoothStatus.CANCELLED, reason[:1000] or None, None
    record("booth.cancel", actor=by, target=booth, origin=origin, details={"reason": reason})
    db.session.flush()
    return booth


def withdraw_booths(
    partner: Employer | School, reason: str, *, by, origin: Origin = SYSTEM, now: datetime | None = None
) -> list[Booth]:
    """Cancel the partner's applied, invited and confirmed booths at fairs that have not ended (those
    that ended keep their history), each audited as booth.withdraw. Flushes; returns them."""
    now = now or utcnow()
    column = Booth.employer_id if isinstance(partner, Employer) else Booth.school_id
    booths = db.session.scalars(
        sa.select(Booth)
        .join(Booth.fair)
        .where(
            column == partner.id,
            Booth.status.in_(ACTIVE),
            Fair.ends_at > now,
            Fair.status_at(now).not_in((FairStatus.CLOSED, FairStatus.CANCELLED)),
        )
        .order_by(Booth.id)
    ).all()
    for booth in booths:
        was = booth.status
        booth.status, booth.cancel_reason, booth.label = BoothStatus.CANCELLED, reason[:1000] or None, None
        record(
            "booth.withdraw",
            actor=by,
            target=booth,
            origin=origin,
            details={
                "fair_id": booth.fair_id,
                "was": was.value,
                "reason": reason,
                "partner_status": partner.status.value,
            },
        )
    db.session.flush()
    return booths


def _ensure_own(booth: Booth, by) -> None:
    if by is None or by.role not in (Role.EMPLOYER, Role.SCHOOL):
        raise Forbidden()
    own = (booth.employer_id is not None and booth.employer_id == by.employer_id) or (
        booth.school_id is not None and booth.school_id == by.school_id
    )
    if not own:
        raise NotFound()


# --- Reading ---------------------------------------------------------------------------------------


def booths_of_fair(fair: Fair) -> list[Booth]:
    return db.session.scalars(
        sa.select(Booth).where(Booth.fair_id == fair.id).order_by(Booth.status, Booth.label, Booth.id)
    ).all()


def booths_of(by) -> list[Booth]:
    """The signed-in employer's or school's booths, newest fair first."""
    if by.role == Role.EMPLOYER and by.employer_id:
        condition = Booth.employer_id == by.employer_id
    elif by.role == Role.SCHOOL and by.school_id:
        condition = Booth.school_id == by.school_id
    else:
        return []
    return db.session.scalars(
        sa.select(Booth).join(Booth.fair).where(condition).order_by(Fair.starts_at.desc(), Booth.id)
    ).all()


def get_booth_for(by, booth_id: int) -> Booth:
    booth = db.session.get(Booth, booth_id)
    if booth is None:
        raise NotFound()
    if not is_staff(by):
        _ensure_own(booth, by)
    return booth


def booths_of_employer(employer: Employer) -> list[Booth]:
    return db.session.scalars(
        sa.select(Booth)
        .join(Booth.fair)
        .where(Booth.employer_id == employer.id)
        .order_by(Fair.starts_at.desc(), Booth.id)
    ).all()


# --- What the public sees --------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicOffer:
    """What the public sees at one fair (ORM objects, for services to shape; templates get theirs).

    booths: the confirmed booths of approved employers and schools, with .employer / .school loaded;
    vacancies: the vacancies offered at the fair by those employers that are open, not past their
    deadline and not hidden by an organiser; programmes: the training programmes of those schools."""

    booths: list[Booth]
    vacancies: list[Vacancy]
    programmes: list[TrainingProgramme]

    def employer_name(self, employer_id: int) -> str:
        return next(b.employer.name for b in self.booths if b.employer_id == employer_id)


def public_offer(fair_id: int, *, now: datetime | None = None) -> PublicOffer:
    """The one definition of what the public may see at a fair (see PublicOffer). Reads only."""
    now = now or utcnow()
    approved_employer = sa.and_(Booth.employer_id.is_not(None), Employer.status == PartnerStatus.APPROVED)
    approved_school = sa.and_(Booth.school_id.is_not(None), School.status == PartnerStatus.APPROVED)
    booths = (
        db.session.scalars(
            sa.select(Booth)
            .outerjoin(Booth.employer)
            .outerjoin(Booth.school)
            .where(
                Booth.fair_id == fair_id,
                Booth.status == BoothStatus.CONFIRMED,
                sa.or_(approved_employer, approved_school),
            )
            .options(contains_eager(Booth.employer), contains_eager(Booth.school))
            .order_by(Booth.id)
        )
        .unique()
        .all()
    )
    employer_ids = [b.employer_id for b in booths if b.employer_id is not None]
    school_ids = [b.school_id for b in booths if b.school_id is not None]
    vacancies = (
        db.session.scalars(
            sa.select(Vacancy)
            .join(VacancyOffer, VacancyOffer.vacancy_id == Vacancy.id)
            .where(
                VacancyOffer.fair_id == fair_id,
                Vacancy.employer_id.in_(employer_ids),
                Vacancy.status == VacancyStatus.OPEN,
                Vacancy.hidden_at.is_(None),
                sa.or_(Vacancy.deadline.is_(None), Vacancy.deadline >= local_day(now)),
            )
            .order_by(Vacancy.id)
        ).all()
        if employer_ids
        else []
    )
    programmes = (
        db.session.scalars(
            sa.select(TrainingProgramme)
            .where(TrainingProgramme.school_id.in_(school_ids))
            .order_by(TrainingProgramme.id)
        ).all()
        if school_ids
        else []
    )
    return PublicOffer(list(booths), list(vacancies), list(programmes))
