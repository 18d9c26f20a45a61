"""Navigation by role: which pages each kind of account sees in the navbar and on its home page.

An entry is shown when the person's role is allowed. Templates get `nav_entries` (for the current
person), `nav_role_label(role)` and `current_user` from the context processor registered by
`register(app)` (called by fairapp.templating)."""

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from flask import Flask
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from fairapp.auth.models import Role

EVERYONE = None  # an entry for anyone, signed in or not
SIGNED_IN = frozenset(Role)


@dataclass(frozen=True)
class NavEntry:
    endpoint: str
    label: object  # a lazy string: translated when rendered, in the request's language
    roles: frozenset[Role] | None
    icon: str | None = None
    description: object = ""  # one line under the label on the home page's cards

    def allows(self, role: Role | None) -> bool:
        if self.roles is EVERYONE:
            return True
        return role is not None and role in self.roles


def _only(*roles: Role) -> frozenset[Role]:
    return frozenset(roles)


NAV_ENTRIES: tuple[NavEntry, ...] = (
    NavEntry("main.home", _l("Trang chủ"), EVERYONE, "home"),
    NavEntry(
        "fairs.index",
        _l("Phiên giao dịch"),
        _only(Role.ADMIN, Role.ORGANISER),
        "calendar",
        _l("Lập kế hoạch, công bố và theo dõi các phiên giao dịch việc làm."),
    ),
    NavEntry(
        "partners.employers",
        _l("Doanh nghiệp"),
        _only(Role.ADMIN, Role.ORGANISER),
        "building",
        _l("Duyệt doanh nghiệp, cơ sở đào tạo và vị trí tuyển dụng."),
    ),
    NavEntry(
        "checkins.scanner",
        _l("Quét vé"),
        _only(Role.GATE, Role.ORGANISER, Role.ADMIN),
        "qr",
        _l("Quét mã QR trên vé của người lao động tại cổng vào."),
    ),
    NavEntry(
        "booths.mine",
        _l("Gian hàng"),
        _only(Role.EMPLOYER, Role.SCHOOL),
        "shop",
        _l("Gian hàng của đơn vị bạn tại các phiên: phỏng vấn, tư vấn, kết quả."),
    ),
    NavEntry(
        "interviews.booth_chooser",
        _l("Quét tại gian hàng"),
        _only(Role.EMPLOYER, Role.SCHOOL),
        "qr",
        _l("Quét vé của người lao động tại gian hàng, ghi kết quả phỏng vấn hoặc tư vấn."),
    ),
    NavEntry(
        "interviews.candidates",
        _l("Ứng viên"),
        _only(Role.EMPLOYER, Role.SCHOOL),
        "users",
        _l("Người lao động đơn vị bạn đã phỏng vấn, tư vấn: lọc, cập nhật kết quả, xuất danh sách."),
    ),
    NavEntry(
        "outcomes.call_list_page",
        _l("Gọi theo dõi"),
        _only(Role.ADMIN, Role.ORGANISER),
        "phone",
        _l("Danh sách cần gọi hôm nay: theo dõi việc làm sau 1, 3, 6 tháng và xác nhận việc làm."),
    ),
    NavEntry(
        "outreach.index",
        _l("Hộ nghèo, cận nghèo"),
        _only(Role.ADMIN, Role.ORGANISER),
        "home",
        _l("Danh sách hộ nghèo, cận nghèo của phường, xã: nhập danh sách, đối chiếu, vận động, độ bao phủ."),
    ),
    NavEntry(
        "outcomes.staff_hires",
        _l("Tuyển dụng"),
        _only(Role.ADMIN, Role.ORGANISER),
        "briefcase",
        _l("Người lao động đã có việc làm: ghi nhận, xác nhận và kết quả theo dõi."),
    ),
    NavEntry(
        "dashboard.index",
        _l("Bảng kết quả"),
        _only(Role.ADMIN, Role.ORGANISER),
        "graph",
        _l("Kết quả theo kỳ: phễu từ đăng ký đến việc làm bền vững, theo nhóm ưu tiên, tháng và phường, xã."),
    ),
    NavEntry(
        "reports.index",
        _l("Báo cáo"),
        _only(Role.ADMIN, Role.ORGANISER),
        "journal",
        _l("Báo cáo kết quả theo tháng, quý, năm hoặc từng phiên: tải PDF để ký, Excel để tổng hợp."),
    ),
    NavEntry(
        "messages.index",
        _l("Tin nhắn"),
        _only(Role.ADMIN, Role.ORGANISER),
        "chat",
        _l("Tin nhắn SMS, Zalo gửi người lao động: trạng thái, gửi lại, ngừng nhận tin."),
    ),
    NavEntry(
        "outcomes.employer_hires",
        _l("Tuyển dụng"),
        _only(Role.EMPLOYER),
        "briefcase",
        _l("Người lao động doanh nghiệp đã tuyển và kết quả theo dõi sau 1, 3, 6 tháng."),
    ),
    NavEntry(
        "plans.targets_current",
        _l("Chỉ tiêu"),
        _only(Role.ADMIN, Role.ORGANISER),
        "journal",
        _l("Chỉ tiêu kế hoạch năm theo địa bàn: số phiên, người được tiếp cận, việc làm."),
    ),
    NavEntry(
        "plans.budget_current",
        _l("Kinh phí"),
        _only(Role.ADMIN),
        "briefcase",
        _l("Kinh phí phân bổ, cam kết, giải ngân theo nguồn và tỉ lệ giải ngân."),
    ),
    NavEntry(
        "webhooks.index",
        _l("Webhook"),
        _only(Role.ADMIN),
        "arrow-right",
        _l("Gửi sự kiện (check-in, phỏng vấn, tuyển dụng, theo dõi) sang cổng việc làm, cơ quan thống kê."),
    ),
    NavEntry(
        "users.index",
        _l("Người dùng"),
        _only(Role.ADMIN),
        "users",
        _l("Tạo tài khoản, phân vai trò và địa bàn phụ trách."),
    ),
    NavEntry(
        "audit.index",
        _l("Nhật ký"),
        _only(Role.ADMIN),
        "journal",
        _l("Ai đã làm gì, khi nào: nhật ký truy cập và thay đổi."),
    ),
    NavEntry(
        "account.profile",
        _l("Tài khoản"),
        SIGNED_IN,
        "person",
        _l("Thông tin cá nhân, mật khẩu và ngôn ngữ."),
    ),
)

ROLE_LABELS: Mapping[Role, object] = {
    Role.ADMIN: _l("Quản trị"),
    Role.ORGANISER: _l("Cán bộ tổ chức"),
    Role.GATE: _l("Soát vé"),
    Role.EMPLOYER: _l("Nhà tuyển dụng"),
    Role.SCHOOL: _l("Cơ sở đào tạo"),
}


def role_label(role: Role | str | None) -> str:
    """The translated name of a role; '' for none or an unknown value."""
    try:
        return str(ROLE_LABELS[Role(role)]) if role else ""
    except ValueError:
        return ""


def visible_entries(role: Role | None, entries: Iterable[NavEntry] | None = None) -> list[NavEntry]:
    """The entries a person with `role` (None: not signed in) sees."""
    return [entry for entry in (NAV_ENTRIES if entries is None else entries) if entry.allows(role)]


class _CurrentEntries:
    """`nav_entries` for templates, worked out on first use: a page that never shows the navigation
    (the 500 page, rendered perhaps while the database is down) never loads the signed-in user."""

    def __init__(self) -> None:
        self._entries: list[NavEntry] | None = None

    def _load(self) -> list[NavEntry]:
        if self._entries is None:
            role = current_user.role if current_user.is_authenticated else None
            self._entries = visible_entries(role)
        return self._entries

    def __iter__(self) -> Iterator[NavEntry]:
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())

    def __bool__(self) -> bool:
        return bool(self._load())


def _navigation_context() -> dict:
    # current_user stays the lazy proxy, so rendering a template does not by itself query the user.
    return {"nav_entries": _CurrentEntries(), "nav_role_label": role_label, "current_user": current_user}


def register(app: Flask) -> None:
    """Add the navigation context processor. Flask-Login's own processor loads the user for every
    template, which would make the 500 page need the database; ours gives the lazy proxy instead."""
    processors = app.template_context_processors[None]
    processors[:] = [p for p in processors if getattr(p, "__module__", None) != "flask_login.utils"]
    app.context_processor(_navigation_context)
