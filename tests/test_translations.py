"""Translations: every msgid in the code has an English translation, placeholders survive translation,
the catalogues compile, the language switch shows English, and dates and money keep the Vietnamese
format in both languages.

After adding strings: `make extract-messages`, then `python scripts/translate_check.py` lists what
is left to translate (see the script's docstring for the JSON round trip)."""

import ast
import io
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_keywords, parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from flask import render_template_string, session
from flask_babel import gettext, refresh

from tests.conftest import csrf_token_from

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = ROOT / "fairapp" / "translations"
LOCALES = ("vi", "en")
PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifrx%]|\{[A-Za-z_][A-Za-z0-9_]*\}")
VIETNAMESE_LETTERS = re.compile(
    r"[ăâđêôơưạảãáàặẳẵắằậẩẫấầẹẻẽéèệểễếềịỉĩíìọỏõóòộổỗốồợởỡớờụủũúùựửữứừỵỷỹýỳ]", re.IGNORECASE
)


def po_path(locale: str) -> Path:
    return CATALOGUES / locale / "LC_MESSAGES" / "messages.po"


def load_catalogue(locale: str):
    with po_path(locale).open("rb") as f:
        return read_po(f, locale=locale)


def makefile_keywords() -> dict:
    """Babel's default keywords plus the `-k` options of `make extract-messages`, so the test
    extracts exactly what the Makefile extracts."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8").replace("\\\n", " ")
    block = re.search(r"^BABEL_KEYWORDS\s*:?=(.*)$", makefile, re.MULTILINE)
    assert block, "BABEL_KEYWORDS not found in the Makefile"
    return {**DEFAULT_KEYWORDS, **parse_keywords(re.findall(r"-k\s+(\S+)", block.group(1)))}


def extract(root: Path) -> dict:
    """(msgid, context) → locations, for every message babel.cfg and the keywords find under root."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as f:
        method_map, options_map = parse_mapping_cfg(f)
    found: dict = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        root, method_map, options_map, keywords=makefile_keywords()
    ):
        msgid = message if isinstance(message, str) else message[0]
        found.setdefault((msgid, context), []).append(f"{filename}:{lineno}")
    return found


def untranslated(catalogue, extracted: dict) -> list[str]:
    problems = []
    for (msgid, context), where in sorted(extracted.items()):
        entry = catalogue.get(msgid, context=context)
        strings = (
            []
            if entry is None
            else (list(entry.string) if isinstance(entry.string, (list, tuple)) else [entry.string])
        )
        if entry is None:
            problems.append(f"not in the catalogue: {msgid!r} ({where[0]})")
        elif entry.fuzzy or not strings or not all(strings):
            problems.append(f"{'fuzzy' if entry.fuzzy else 'untranslated'}: {msgid!r} ({where[0]})")
    return problems


@pytest.fixture(scope="module")
def extracted() -> dict:
    return extract(ROOT)


# (a) everything the code says has an English translation ---------------------------------------


def test_every_msgid_in_the_code_is_translated_into_english(extracted):
    assert len(extracted) > 100  # the extraction really ran over the source tree
    problems = untranslated(load_catalogue("en"), extracted)
    assert problems == [], (
        "run `make extract-messages` and `python scripts/translate_check.py`:\n" + "\n".join(problems)
    )


def test_the_check_catches_a_new_untranslated_string(tmp_path):
    """The same check on a copy of a source file with one string added: it must complain."""
    source = tmp_path / "fairapp" / "sample.py"
    source.parent.mkdir()
    source.write_text(
        "from flask_babel import gettext as _, lazy_gettext as _l\n"
        'OLD = _l("Đăng nhập")\n'
        'NEW = _("Chuỗi mới chưa dịch %(n)d", n=1)\n',
        encoding="utf-8",
    )
    template = tmp_path / "templates" / "sample.html"
    template.parent.mkdir()
    template.write_text('<p>{{ _("Một dòng mới trong giao diện") }}</p>\n', encoding="utf-8")
    found = extract(tmp_path)
    assert set(found) == {
        ("Đăng nhập", None),
        ("Chuỗi mới chưa dịch %(n)d", None),
        ("Một dòng mới trong giao diện", None),
    }
    problems = untranslated(load_catalogue("en"), found)
    assert problems == [
        "not in the catalogue: 'Chuỗi mới chưa dịch %(n)d' (fairapp/sample.py:3)",
        "not in the catalogue: 'Một dòng mới trong giao diện' (templates/sample.html:1)",
    ]


def test_every_translation_alias_in_the_code_is_an_extraction_keyword():
    """`from flask_babel import lazy_gettext as _x` would hide every `_x("...")` from extraction."""
    keywords = makefile_keywords()
    unknown = []
    for path in (ROOT / "fairapp").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "flask_babel":
                for alias in node.names:
                    if "gettext" in alias.name and (alias.asname or alias.name) not in keywords:
                        unknown.append(f"{path.relative_to(ROOT)}: {alias.name} as {alias.asname}")
    assert unknown == []


def test_english_is_not_a_copy_and_the_vietnamese_catalogue_is_consistent(extracted):
    english = load_catalogue("en")
    copied = [m.id for m in english if m.id and m.string == m.id and VIETNAMESE_LETTERS.search(m.id)]
    assert copied == [], "msgstr copied from the Vietnamese msgid"

    # vi: the msgid is the Vietnamese text, so msgstr stays empty; nothing fuzzy; nothing missing.
    vietnamese = load_catalogue("vi")
    assert [
        m.id
        for m in vietnamese
        if m.id and (m.fuzzy or any(m.string if isinstance(m.string, (list, tuple)) else [m.string]))
    ] == []
    assert [key for key in extracted if vietnamese.get(key[0], context=key[1]) is None] == []


# (b) placeholders ------------------------------------------------------------------------------


def placeholder_problems(catalogue) -> list[str]:
    problems = []
    for message in catalogue:
        if not message.id:
            continue
        ids = list(message.id) if isinstance(message.id, (list, tuple)) else [message.id]
        strings = list(message.string) if isinstance(message.string, (list, tuple)) else [message.string]
        for index, text in enumerate(s for s in strings if s):
            expected = sorted(PLACEHOLDER.findall(ids[min(index, len(ids) - 1)]))
            got = sorted(PLACEHOLDER.findall(text))
            singular_without_number = len(ids) > 1 and index == 0 and set(got) <= set(expected)
            if got != expected and not singular_without_number:
                problems.append(f"{ids[0]!r}: {expected} ≠ {got}")
            if "%" in PLACEHOLDER.sub("", text):  # a lone % breaks Jinja's newstyle gettext
                problems.append(f"{ids[0]!r}: stray % in {text!r}")
    return problems


@pytest.mark.parametrize("locale", LOCALES)
def test_placeholders_in_translations_match_the_msgid(locale):
    assert placeholder_problems(load_catalogue(locale)) == []


def test_the_placeholder_check_catches_a_lost_or_renamed_placeholder():
    from babel.messages.catalog import Catalog

    catalogue = Catalog(locale="en")
    catalogue.add("Đã tạo tài khoản %(name)s.", "Account created.")
    catalogue.add("Trang %(n)d / %(total)d", "Page %(n)d of %(count)d")
    catalogue.add("Giảm 5%%", "5% off")
    catalogue.add("Phải là một trong: %(choices)s.", "Must be one of: %(choices)s.")
    assert placeholder_problems(catalogue) == [
        "'Đã tạo tài khoản %(name)s.': ['%(name)s'] ≠ []",
        "'Trang %(n)d / %(total)d': ['%(n)d', '%(total)d'] ≠ ['%(count)d', '%(n)d']",
        "'Giảm 5%%': ['%%'] ≠ []",
        "'Giảm 5%%': stray % in '5% off'",
    ]


# (c) the catalogues compile --------------------------------------------------------------------


def compile_catalogues(directory: Path) -> None:
    """What `make translations` does, into `directory`."""
    for locale in LOCALES:
        catalogue = load_catalogue(locale)
        errors = [(m.id, [str(e) for e in errs]) for m, errs in catalogue.check()]
        assert errors == [], f"{locale}: {errors}"
        target = directory / locale / "LC_MESSAGES" / "messages.mo"
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as f:
            write_mo(f, catalogue, use_fuzzy=False)


@pytest.mark.parametrize("locale", LOCALES)
def test_catalogue_compiles(locale):
    catalogue = load_catalogue(locale)
    assert [(m.id, errs) for m, errs in catalogue.check()] == []
    buffer = io.BytesIO()
    write_mo(buffer, catalogue)
    buffer.seek(0)
    translations = Translations(buffer)
    expected = "Sign in" if locale == "en" else "Đăng nhập"
    assert translations.gettext("Đăng nhập") == expected
    assert translations.gettext("Đã tạo tài khoản %(name)s.") % {"name": "An"} == (
        "Account An created." if locale == "en" else "Đã tạo tài khoản An."
    )


@pytest.fixture()
def compiled(app, tmp_path):
    """The app reads catalogues compiled from the .po files now (not stale .mo files)."""
    from fairapp.extensions import babel

    compile_catalogues(tmp_path)
    config = app.extensions["babel"]
    original = config.translation_directories
    config.translation_directories = [str(tmp_path)]
    babel.domain_instance.cache.clear()  # shared by every app in the process
    yield app
    config.translation_directories = original
    babel.domain_instance.cache.clear()


# (d) the language switch -----------------------------------------------------------------------


def switch_to(client, code: str, next_url: str = "/"):
    token = csrf_token_from(client.get(next_url).get_data(as_text=True))
    response = client.post(f"/language/{code}", data={"csrf_token": token, "next": next_url})
    assert response.status_code == 302 and response.headers["Location"] == next_url


def test_pages_are_vietnamese_by_default(compiled, client):
    home = client.get("/").get_data(as_text=True)
    assert '<html lang="vi"' in home
    assert "Việc làm gần nhà, gặp trực tiếp nhà tuyển dụng" in home
    assert "Jobs close to home" not in home
    login = client.get("/login").get_data(as_text=True)
    assert "Đăng nhập</h1>" in login and "Mật khẩu" in login and "Email hoặc số điện thoại" in login
    assert "Sign in" not in login


def test_switching_to_english_translates_home_and_login(compiled, client):
    switch_to(client, "en")
    home = client.get("/").get_data(as_text=True)
    assert '<html lang="en"' in home
    assert "Jobs close to home, meet employers in person" in home
    assert "How to take part" in home and "Sign in" in home
    assert "Việc làm gần nhà" not in home

    login = client.get("/login").get_data(as_text=True)
    assert "Sign in</h1>" in login
    assert "Email or phone number" in login and "Password" in login
    assert "Đăng nhập</h1>" not in login and "Mật khẩu" not in login

    # a bad sign-in: the form's error message comes out in English too
    failed = client.post(
        "/login",
        data={
            "login": "nobody@example.vn",
            "password": "wrong-password-1",
            "csrf_token": csrf_token_from(login),
        },
    )
    assert "Wrong email/phone number or password." in failed.get_data(as_text=True)

    switch_to(client, "vi")
    assert "Việc làm gần nhà, gặp trực tiếp nhà tuyển dụng" in client.get("/").get_data(as_text=True)


def test_signed_in_home_page_in_english(compiled, client, auth):
    user = auth.login("organiser")
    assert "Tổ chức phiên giao dịch" in client.get("/").get_data(as_text=True)
    switch_to(client, "en")
    home = client.get("/").get_data(as_text=True)
    assert f"Hello, {user.full_name}." in home
    assert "Organising job fairs" in home and "Sign out" in home
    assert "Tổ chức phiên giao dịch" not in home


# (e) dates and money keep the Vietnamese format in both languages -----------------------------


@pytest.mark.parametrize(("locale", "signed_in"), [("vi", "Đăng nhập"), ("en", "Sign in")])
def test_dates_and_money_are_vietnamese_style_in_both_languages(compiled, locale, signed_in):
    with compiled.test_request_context("/"):
        session["locale"] = locale
        refresh()
        assert gettext("Đăng nhập") == signed_in  # the interface language really is `locale`
        rendered = render_template_string(
            "{{ day|date_vn }}|{{ moment|date_vn }}|{{ moment|time_vn }}|{{ moment|datetime_vn }}|"
            "{{ 2400000|money }}|{{ big|money }}|{{ 0|money }}|{{ none|money }}{{ none|date_vn }}",
            day=date(2026, 3, 7),
            moment=datetime(2026, 3, 6, 17, 5, tzinfo=UTC),
            big=Decimal("2400000000"),
            none=None,
        )
    # 17:05 UTC is 00:05 the next day in Vietnam (UTC+7)
    assert rendered == "07/03/2026|07/03/2026|00:05|00:05 07/03/2026|2.400.000 đ|2.400.000.000 đ|0 đ|"
