"""The unit picker's JSON search (GET /units/search) and the Jinja helpers of the picker macro."""

from flask import Blueprint, current_app, jsonify, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from fairapp.auth.access import public
from fairapp.errors import json_error
from fairapp.geo import services

bp = Blueprint("geo", __name__)


@bp.route("/units/search")
@public
def search():
    """{"items": [{code, label, name, province_code, legacy_label?}]} for what the user typed."""
    query = request.args.get("q", "")[: services.QUERY_MAX_LENGTH]
    province = request.args.get("province", "").strip()
    province_code = None
    if province:
        if not province.isdigit() or len(province) > 3 or services.get_province(int(province)) is None:
            message = _("Mã tỉnh/thành phố không hợp lệ.")
            body, status = json_error(400, "bad_request", message, {"province": message})
            return jsonify(body), status
        province_code = int(province)
    items = []
    for match in services.search_units(query, province_code=province_code):
        item = {
            "code": match.code,
            "label": match.label,
            "name": match.name,
            "province_code": match.ward.province_code,
        }
        if match.legacy is not None:
            item["legacy_label"] = match.legacy_label
        items.append(item)
    return jsonify(items=items)


KIND_GROUPS = (("phuong", _l("Phường")), ("xa", _l("Xã")), ("dac_khu", _l("Đặc khu")))


def ward_choices(province_code: int | None = None) -> list[tuple[str, list[tuple[str, str]]]]:
    """[(group label, [(code, name), …]), …]: the wards of a province (default: the home province)
    grouped by kind, for the <select> the picker falls back to without JavaScript."""
    code = province_code or current_app.config["HOME_PROVINCE_CODE"]
    try:
        wards = services.units_of_province(int(code))
    except (services.UnknownProvince, TypeError, ValueError):
        return []
    groups = []
    for kind, label in KIND_GROUPS:
        options = [(ward.code, ward.name) for ward in wards if ward.kind == kind]
        if options:
            groups.append((str(label), options))
    return groups


def ward_label(code) -> str:
    """The full label of the ward with this code, or "" when there is none."""
    ward = services.get_ward(code)
    return services.ward_label(ward) if ward is not None else ""
