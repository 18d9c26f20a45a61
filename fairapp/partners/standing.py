"""Whether an employer or school may act: staff act on any; a partner's own accounts act once it is
approved, edit its profile while pending, and do nothing once it is rejected or suspended.

Error codes: not_approved (403: still pending), partner_locked (403: rejected or suspended),
invalid_transition (409)."""

from flask_babel import lazy_gettext as _l

from fairapp.auth.access import STAFF
from fairapp.errors import DomainError, Forbidden
from fairapp.partners.models import PartnerStatus

LOCKED = (PartnerStatus.REJECTED, PartnerStatus.SUSPENDED)


class NotApproved(Forbidden):
    code = "not_approved"
    message = _l("Đơn vị của bạn đang chờ duyệt nên chưa thể thực hiện thao tác này.")


class PartnerLocked(Forbidden):
    code = "partner_locked"
    message = _l(
        "Đơn vị của bạn đã bị từ chối hoặc tạm ngừng nên không thể sửa thông tin, vị trí tuyển dụng, "
        "ngành nghề đào tạo hay đăng ký gian hàng. Vui lòng liên hệ cán bộ phụ trách để biết lý do."
    )


class InvalidTransition(DomainError):
    code = "invalid_transition"
    status = 409
    message = _l("Không thể chuyển sang trạng thái này từ trạng thái hiện tại.")


def is_staff(user) -> bool:
    return user is not None and user.role in STAFF


def ensure_editable(partner) -> None:
    """A rejected or suspended partner's accounts may not change its profile (partner_locked)."""
    if partner.status in LOCKED:
        raise PartnerLocked()


def ensure_active(partner) -> None:
    """Only an approved partner publishes vacancies or programmes, applies for booths, adds
    colleagues. Raises partner_locked (rejected, suspended) or not_approved (pending)."""
    ensure_editable(partner)
    if partner.status != PartnerStatus.APPROVED:
        raise NotApproved()
