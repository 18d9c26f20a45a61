"""The official report as a workbook (openpyxl):

    "Chỉ tiêu"     the heading (issuing body, title, period, area), then the indicator table in the
                   layout of the PDF: STT | Chỉ tiêu | Đơn vị | Tổng số | of which Hộ nghèo | Hộ cận
                   nghèo | Hộ mới thoát nghèo | Nữ; then any extra sections (plan and budget, later)
    "Theo phường"  every step of the funnel by ward (ward names), with the fairs held there
    "Theo tháng"   every step by month (mm/yyyy)

Counts are number cells formatted `#,##0`: Excel and LibreOffice show the thousands separator of the
reader's locale, 1.234 in Vietnamese (a format cannot force the dot: `#.##0` is not a valid Excel
format). Money cells (extra sections) are `#,##0 "đ"`. Text goes through fairapp.spreadsheets
.set_cell, so a fair's title starting with "=" is never run as a formula. Headers bold, panes frozen
below them, columns sized."""

import io

from flask_babel import gettext as _

from fairapp.reports.documents import Money, Report, funnel_rows, step_label
from fairapp.reports.indicators import fair_facts, steps
from fairapp.spreadsheets import set_cell, set_widths, sheet_title

MONEY_FORMAT = '#,##0 "đ"'
INDICATORS_SHEET = "Chỉ tiêu"
WARDS_SHEET = "Theo phường"
MONTHS_SHEET = "Theo tháng"


def report_workbook(report: Report) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    _indicators(workbook.active, report)
    _breakdown(workbook.create_sheet(), report, by="ward")
    _breakdown(workbook.create_sheet(), report, by="month")
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _styles():
    from openpyxl.styles import Alignment, Border, Font, Side

    thin = Side(style="thin")
    return {
        "bold": Font(bold=True),
        "title": Font(bold=True, size=13),
        "border": Border(left=thin, right=thin, top=thin, bottom=thin),
        "centre": Alignment(horizontal="center", vertical="center", wrap_text=True),
        "wrap": Alignment(vertical="center", wrap_text=True),
    }


def _put(sheet, row: int, column: int, value, **style):
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, Money):
        cell.value = value.amount
        cell.number_format = MONEY_FORMAT
    else:
        set_cell(cell, value)
    for name, applied in style.items():
        setattr(cell, name, applied)
    return cell


def _indicators(sheet, report: Report) -> None:
    style = _styles()
    sheet.title = sheet_title(INDICATORS_SHEET)
    heading = [(line, style["bold"]) for line in (*report.issuer, report.number)]
    heading += [(report.title.upper(), style["title"]), (report.period, None), (report.area, None)]
    heading.append((report.place_date, None))
    for row, (line, font) in enumerate(heading, start=1):
        _put(sheet, row, 1, line, **({"font": font} if font else {}))
    top = len(heading) + 2  # a blank line, then two header rows
    columns = report.columns
    for column, header in enumerate(columns[:4], start=1):
        _put(sheet, top, column, header, font=style["bold"], alignment=style["centre"])
        sheet.merge_cells(start_row=top, start_column=column, end_row=top + 1, end_column=column)
    _put(sheet, top, 5, report.of_which, font=style["bold"], alignment=style["centre"])
    sheet.merge_cells(start_row=top, start_column=5, end_row=top, end_column=8)
    for column, header in enumerate(columns[4:], start=5):
        _put(sheet, top + 1, column, header, font=style["bold"], alignment=style["centre"])
    row = top + 2
    for line in report.rows:
        values = (line.number, line.label, line.unit, line.total, *line.breakdown)
        aligned = {1: style["centre"], 2: style["wrap"], 3: style["centre"]}  # numbers: right, as usual
        for column, value in enumerate(values, start=1):
            _put(sheet, row, column, value, **({"alignment": aligned[column]} if column in aligned else {}))
        row += 1
    for table_row in sheet.iter_rows(min_row=top, max_row=row - 1, max_col=8):
        for cell in table_row:
            cell.border = style["border"]
    row += 1
    if report.empty:
        _put(sheet, row, 1, report.no_data, font=style["bold"])
        row += 2
    if report.summary:
        _put(sheet, row, 1, report.summary, alignment=style["wrap"])
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=8)
        sheet.row_dimensions[row].height = 60
        row += 2
    for section in report.extra_sections:  # plan and budget, added by other modules
        _put(sheet, row, 1, section.title, font=style["bold"])
        row += 1
        for column, header in enumerate(section.headers, start=1):
            _put(sheet, row, column, header, font=style["bold"], border=style["border"])
        for values in section.rows:
            row += 1
            for column, value in enumerate(values, start=1):
                _put(sheet, row, column, value, border=style["border"])
        row += 2
    sheet.freeze_panes = sheet.cell(row=top + 2, column=3)
    set_widths(sheet, [4, 52, 12, 10, 10, 12, 18, 8])


def _breakdown(sheet, report: Report, *, by: str) -> None:
    style = _styles()
    filters = report.request.filters
    names = steps()
    if by == "ward":
        sheet.title = sheet_title(WARDS_SHEET)
        headers = [_("Mã phường, xã"), _("Phường, xã"), _("Số phiên đã tổ chức")]
        held = {code: facts["fairs_held"] for code, facts in fair_facts(filters, by_ward=True).items()}
    else:
        sheet.title = sheet_title(MONTHS_SHEET)
        headers = [_("Tháng")]
        held = None
    headers += [step_label(step) for step in names]
    _put(sheet, 1, 1, report.title, font=style["title"])
    _put(sheet, 2, 1, report.period)
    for column, header in enumerate(headers, start=1):
        _put(sheet, 4, column, header, font=style["bold"], alignment=style["centre"], border=style["border"])
    rows = funnel_rows(filters, by)
    for row_number, (key, label, counts) in enumerate(rows, start=5):
        first = [key or "", label, held.get(key, 0)] if held is not None else [label]
        for column, value in enumerate([*first, *(counts[step] for step in names)], start=1):
            _put(sheet, row_number, column, value, border=style["border"])
    if not rows:
        _put(sheet, 5, 1, report.no_data)
    sheet.freeze_panes = sheet.cell(row=5, column=len(headers) - len(names) + 1)
    first_widths = [12, 30, 12] if held is not None else [10]
    set_widths(sheet, [*first_widths, *[14] * len(names)])
    sheet.row_dimensions[4].height = 45
