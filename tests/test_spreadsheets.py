"""The shared spreadsheet writers neutralise formulas; the reader refuses what is not a bounded .xlsx."""

import csv
import io
import zipfile
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook

from fairapp.spreadsheets import (
    SpreadsheetError,
    read_xlsx,
    safe_cell,
    sheet_title,
    write_csv,
    write_xlsx,
)

HEADERS = ["Tên doanh nghiệp", "Ngày", "Lương"]
ATTACKS = ['=HYPERLINK("http://evil.example","Bấm")', "+1+1", "-2+3", "@SUM(1)", "\t=1", "\r=1"]


def _xlsx(rows, title="Dữ liệu") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


@pytest.mark.parametrize("text", ATTACKS)
def test_safe_cell_prefixes_formula_triggers(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["Công ty Hoà Bình", "a=b", "", 5, -5, None, date(2026, 3, 2)])
def test_safe_cell_leaves_other_values(value):
    assert safe_cell(value) == value


def test_csv_has_bom_keeps_diacritics_and_neutralises_formulas():
    data = write_csv([[ATTACKS[0], date(2026, 3, 2), 6_500_000], ["Hợp tác xã Đồng Hỷ", None, None]], HEADERS)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == HEADERS
    assert rows[1] == ["'" + ATTACKS[0], "02/03/2026", "6500000"]
    assert rows[2] == ["Hợp tác xã Đồng Hỷ", "", ""]


def test_xlsx_is_formatted_and_never_holds_a_formula():
    data = write_xlsx(
        [[text, date(2026, 3, 2), 6_500_000] for text in ATTACKS],
        HEADERS,
        title="Doanh nghiệp: danh sách/2026",
    )
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.title == "Doanh nghiệp  danh sách 2026"
    assert [c.value for c in sheet[1]] == HEADERS
    assert sheet["A1"].font.bold and sheet.freeze_panes == "A2"
    for row, text in enumerate(ATTACKS, start=2):
        cell = sheet.cell(row=row, column=1)
        # (XML keeps no bare carriage return: "\r" comes back as "\n")
        assert cell.data_type == "s" and cell.value == text.replace("\r", "\n") and cell.quotePrefix
    assert sheet["B2"].number_format == "dd/mm/yyyy" and sheet["B2"].value.date() == date(2026, 3, 2)
    assert sheet["C2"].number_format == "#,##0" and sheet["C2"].value == 6_500_000
    assert sheet.column_dimensions["A"].width > 20
    # What Excel would see: no <f> element anywhere in the sheet XML.
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")


def test_sheet_title_is_cut_to_excel_limits():
    assert len(sheet_title("x" * 50)) == 31 and sheet_title("[]") == "Sheet"


def test_read_xlsx_gives_non_empty_rows_with_their_numbers():
    data = _xlsx([["Tên", "Số"], [None, None], ["  Công ty Sông Công ", 3]])
    sheets = read_xlsx(data)
    assert sheets["Dữ liệu"].rows == [(1, ("Tên", "Số")), (3, ("Công ty Sông Công", 3))]


def test_read_xlsx_reads_only_the_named_sheets():
    assert read_xlsx(_xlsx([["a"]]), sheets=["Khác"]) == {}


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15"
    b"\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


def _zip(entries: dict) -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return output.getvalue()


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (PNG, "not_xlsx"),
        ("Tên,Số\nCông ty,3\n".encode(), "not_xlsx"),
        (b"PK\x03\x04 not really a zip", "not_xlsx"),
        (_zip({"word/document.xml": "<w/>", "[Content_Types].xml": "<Types/>"}), "not_xlsx"),
        (_zip({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<broken"}), "not_xlsx"),
        (b"", "empty_file"),
    ],
)
def test_read_xlsx_refuses_what_is_not_a_workbook(data, code):
    with pytest.raises(SpreadsheetError) as refused:
        read_xlsx(data)
    assert refused.value.code == code
    assert "xlsx" in str(refused.value.message) or code == "empty_file"


def test_read_xlsx_refuses_a_file_over_the_size_limit():
    with pytest.raises(SpreadsheetError) as refused:
        read_xlsx(io.BytesIO(_xlsx([["x" * 1000]] * 50)), max_bytes=1024)
    assert refused.value.code == "file_too_large"
    assert "0.0009765625 MB" not in str(refused.value.message)  # the limit reads as a number of MB


def test_read_xlsx_refuses_too_many_rows():
    with pytest.raises(SpreadsheetError) as refused:
        read_xlsx(_xlsx([[n] for n in range(30)]), max_rows=20)
    assert refused.value.code == "too_many_rows" and "20" in str(refused.value.message)


def test_read_xlsx_refuses_a_zip_bomb_before_parsing():
    bomb = _zip(
        {
            "[Content_Types].xml": "<Types/>",
            "xl/workbook.xml": "<workbook/>",
            "xl/worksheets/sheet1.xml": b"\x00" * (120 * 1024 * 1024),
        }
    )
    assert len(bomb) < 1024 * 1024
    with pytest.raises(SpreadsheetError) as refused:
        read_xlsx(bomb)
    assert refused.value.code == "unsafe_file"


def test_read_xlsx_refuses_a_macro_workbook():
    with zipfile.ZipFile(io.BytesIO(_xlsx([["a"]]))) as source:
        entries = {name: source.read(name) for name in source.namelist()}
    entries["xl/vbaProject.bin"] = b"\xd0\xcf\x11\xe0 macro"
    with pytest.raises(SpreadsheetError) as refused:
        read_xlsx(_zip(entries))
    assert refused.value.code == "unsafe_file"
