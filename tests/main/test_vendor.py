"""The vendored front-end files are the ones the manifest records, and pages load only local files."""

import hashlib
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "static"
MANIFEST = STATIC / "vendor" / "VENDOR.json"
TEMPLATES = ROOT / "templates"
PINS = {"bootstrap": "5.3.8", "@fontsource/be-vietnam-pro": "5.3.0", "qr-scanner": "1.4.2"}
TAG = re.compile(r"<(script|link)\b[^>]*>", re.IGNORECASE)
REMOTE = re.compile(r"""\b(src|href)\s*=\s*["']?\s*(https?:)?//""", re.IGNORECASE)


def manifest() -> dict:
    return json.loads(MANIFEST.read_text())


def test_every_vendored_file_exists_and_matches_its_sha256():
    entries = manifest()["files"]
    assert entries
    for entry in entries:
        path = STATIC / entry["file"]
        assert path.is_file(), entry["file"]
        data = path.read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], entry["file"]
        assert len(data) == entry["bytes"], entry["file"]
        assert entry["source"].startswith("https://registry.npmjs.org/"), entry["source"]
        assert entry["licence"] in ("MIT", "OFL-1.1"), entry


def test_manifest_pins_the_expected_versions_with_licences():
    entries = manifest()["files"]
    by_file = {entry["file"]: entry for entry in entries}
    for entry in entries:
        assert entry["version"] == PINS[entry["package"]], entry
    for package, folder in (
        ("bootstrap", "bootstrap"),
        ("@fontsource/be-vietnam-pro", "be-vietnam-pro"),
        ("qr-scanner", "qr-scanner"),
    ):
        assert by_file[f"vendor/{folder}/LICENSE"]["package"] == package
    for name in (
        "vendor/bootstrap/bootstrap.min.css",
        "vendor/qr-scanner/qr-scanner.umd.min.js",
        "vendor/qr-scanner/qr-scanner-worker.min.js",
        "vendor/be-vietnam-pro/be-vietnam-pro.css",
    ):
        assert name in by_file, name
    fonts = [name for name in by_file if name.endswith(".woff2")]
    assert len(fonts) == 4  # vietnamese and latin subsets × weights 400 and 700


def test_font_css_points_at_vendored_woff2_files_only():
    css_path = STATIC / "vendor" / "be-vietnam-pro" / "be-vietnam-pro.css"
    css = css_path.read_text()
    urls = re.findall(r"url\(([^)]+)\)", css)
    assert len(urls) == 4
    for url in urls:
        assert not url.startswith(("http:", "https:", "//")), url
        assert (css_path.parent / url.strip("'\"")).is_file(), url
    assert css.count("unicode-range: U+0102-0103") == 2  # the Vietnamese subset, from the package


def test_no_vendored_file_lacks_a_manifest_entry():
    listed = {entry["file"] for entry in manifest()["files"]}
    on_disk = {
        path.relative_to(STATIC).as_posix()
        for path in (STATIC / "vendor").rglob("*")
        if path.is_file() and path != MANIFEST
    }
    assert on_disk == listed


def test_templates_load_no_remote_scripts_or_stylesheets():
    offenders = []
    for template in TEMPLATES.rglob("*.html"):
        for tag in TAG.finditer(template.read_text()):
            if REMOTE.search(tag.group(0)):
                offenders.append(f"{template.relative_to(ROOT)}: {tag.group(0)}")
    assert offenders == []


def test_the_remote_url_check_catches_a_cdn_tag():
    sample = '<script src="https://cdn.example.org/x.js"></script><link href="//cdn.example.org/y.css">'
    assert len([tag for tag in TAG.finditer(sample) if REMOTE.search(tag.group(0))]) == 2
