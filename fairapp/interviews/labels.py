"""The words a person reads for a booth record's coded values: outcomes and where an entry came from."""

from flask_babel import lazy_gettext as _l

from fairapp.interviews.models import EMPLOYER_OUTCOMES, SCHOOL_OUTCOMES, Outcome

OUTCOME_LABELS = {
    Outcome.INTERVIEWED: _l("Đã phỏng vấn"),
    Outcome.SHORTLISTED: _l("Sơ tuyển đạt"),
    Outcome.OFFERED: _l("Mời nhận việc"),
    Outcome.NOT_SUITABLE: _l("Chưa phù hợp"),
    Outcome.COUNSELLED: _l("Đã tư vấn"),
    Outcome.ENROLLED: _l("Đăng ký học nghề"),
}
SOURCE_LABELS = {"online": _l("Trực tuyến"), "offline": _l("Ghi ngoại tuyến, tải lên sau")}


def outcome_label(outcome) -> str:
    return str(OUTCOME_LABELS.get(Outcome(outcome), outcome)) if outcome else ""


def outcome_choices(for_employer: bool) -> list[tuple[str, object]]:
    """(value, label) of the outcomes a booth of this kind records."""
    return [(o.value, OUTCOME_LABELS[o]) for o in (EMPLOYER_OUTCOMES if for_employer else SCHOOL_OUTCOMES)]
