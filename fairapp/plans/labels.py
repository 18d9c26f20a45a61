"""What the pages, the API's messages and the services' refusals call the plans' codes, in the
request's language."""

from flask_babel import lazy_gettext as _l

from fairapp.plans.models import BudgetKind, BudgetSource, CostItem

INDICATOR_LABELS = {
    "fairs": _l("Số phiên giao dịch"),
    "job_seekers": _l("Người lao động được tiếp cận"),
    "priority_workers": _l("Lao động hộ nghèo, cận nghèo, mới thoát nghèo được kết nối"),
    "hires": _l("Người có việc làm"),
    "sustainable_jobs": _l("Việc làm bền vững"),
    "trainees": _l("Người học nghề"),
}
# Narrow table headers (360 px): the full label is the header's title.
INDICATOR_SHORT_LABELS = {
    "fairs": _l("Phiên"),
    "job_seekers": _l("Tiếp cận"),
    "priority_workers": _l("Hộ ưu tiên"),
    "hires": _l("Việc làm"),
    "sustainable_jobs": _l("Bền vững"),
    "trainees": _l("Học nghề"),
}
SOURCE_LABELS = {
    BudgetSource.CENTRAL: _l("Trung ương"),
    BudgetSource.PROVINCE: _l("Tỉnh"),
    BudgetSource.CITY: _l("Thành phố/địa phương"),
    BudgetSource.OTHER: _l("Khác"),
}
KIND_LABELS = {
    BudgetKind.ALLOCATED: _l("Phân bổ"),
    BudgetKind.COMMITTED: _l("Cam kết/giao dự toán"),
    BudgetKind.DISBURSED: _l("Giải ngân"),
}
ITEM_LABELS = {
    CostItem.VENUE: _l("Địa điểm"),
    CostItem.PUBLICITY: _l("Loa, truyền thông"),
    CostItem.PRINTING: _l("In ấn"),
    CostItem.ALLOWANCES: _l("Phụ cấp cán bộ"),
    CostItem.TRANSPORT: _l("Đi lại, vận chuyển"),
    CostItem.OTHER: _l("Khác"),
}
WHOLE_AREA_LABEL = _l("Toàn địa bàn")
YEAR_LABEL = _l("Năm")
AMOUNT_LABEL = _l("Số tiền")
DOCUMENT_LABEL = _l("Số văn bản/chứng từ")
NOTE_LABEL = _l("Ghi chú")
DATE_LABEL = _l("Ngày")
SOURCE_FIELD_LABEL = _l("Nguồn kinh phí")
KIND_FIELD_LABEL = _l("Loại")
ITEM_FIELD_LABEL = _l("Khoản chi")
