"""Static files under content-hashed URLs, compressed once, cached by browsers for a year.

When the application starts it reads every file under static/ and gives each a name carrying its
content's hash (`css/app.css` → `css/app.3f2a9c1d0b.css`). A stylesheet's `url(...)` references are
rewritten to their hashed names first, so a changed font gives its stylesheet a new name too. The
hashed copies, with brotli and gzip variants beside the compressible ones, are written once into a
folder named after the whole set (`instance/static-cache/<digest>/`, made under a temporary name and
renamed into place, so servers starting together never see half a folder) and served by WhiteNoise
with `Cache-Control: public, max-age=31536000, immutable`. `url_for('static', filename=...)` gives the
hashed URL; the plain `/static/<name>` still answers through Flask's static route with `no-cache`
(the service workers' own scripts, a page cached before a release).

With `STATIC_AUTOREFRESH` (on in development) a changed file is picked up within a second, without a
restart; otherwise the set is read once per process."""

import hashlib
import os
import re
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from flask import Flask, url_for
from whitenoise import WhiteNoise
from whitenoise.compress import Compressor

from fairapp.security import HEADERS

PREFIX = "/static/"
FONTS = "vendor/be-vietnam-pro/files/"
HASH_LENGTH = 10
# References to other static files that are rewritten to their hashed names: a stylesheet's url(...)
# (data: URIs, absolute URLs and fragments are left alone) and a script's import("./...") (qr-scanner
# loads its decoder's worker that way).
REFERENCES = {
    ".css": re.compile(r"""(url\(\s*['"]?)(?!data:|https?:|//|#)([^'")?#]+)"""),
    ".js": re.compile(r"""(import\(\s*['"])(\.{1,2}/[^'"]+)"""),
}
# Earlier sets stay a week: a page opened before a release (or a server still running the previous one)
# still gets the files it names.
KEEP_OLD_BUILDS_SECONDS = 7 * 24 * 3600


@dataclass(frozen=True)
class Build:
    """One set of static files: where the hashed copies are, and each name's hashed name."""

    folder: Path
    names: dict[str, str]  # "css/app.css" → "css/app.3f2a9c1d0b.css"


def hashed_name(name: str, content: bytes) -> str:
    path = PurePosixPath(name)
    digest = hashlib.sha256(content).hexdigest()[:HASH_LENGTH]
    return str(path.with_name(f"{path.stem}.{digest}{path.suffix}"))


def _sources(root: Path) -> list[tuple[str, Path]]:
    return sorted(
        (path.relative_to(root).as_posix(), path)
        for path in root.rglob("*")
        if path.is_file() and not path.name.startswith(".")
    )


def _signature(root: Path) -> tuple:
    """What changes when any file changes: names, sizes and modification times."""
    return tuple((name, (status := path.stat()).st_size, status.st_mtime_ns) for name, path in _sources(root))


def _resolve(name: str, target: str) -> str:
    """The name under static/ that a reference written in the file `name` points at."""
    return os.path.normpath((PurePosixPath(name).parent / target).as_posix()).replace(os.sep, "/")


def _targets(name: str, text: str, pattern: re.Pattern) -> list[str]:
    """The names under static/ a file's references point at."""
    return [_resolve(name, match.group(2)) for match in pattern.finditer(text)]


def _rewrite(name: str, text: str, pattern: re.Pattern, names: dict[str, str]) -> str:
    def replace(match: re.Match) -> str:
        prefix, target = match.groups()
        resolved = _resolve(name, target)
        if resolved not in names:
            return match.group(0)
        folder, _, _ = target.rpartition("/")  # "./" and "../" stay as they were written
        return prefix + (folder + "/" if folder else "") + PurePosixPath(names[resolved]).name

    return pattern.sub(replace, text)


def contents(root: Path) -> dict[str, tuple[str, bytes]]:
    """Each file's hashed name and the bytes to serve under it. A file that refers to others is named
    after them, so that a new font gives its stylesheet a new name too."""
    waiting: dict[str, tuple[bytes, re.Pattern | None]] = {}
    for name, path in _sources(root):
        waiting[name] = (path.read_bytes(), REFERENCES.get(PurePosixPath(name).suffix))
    names: dict[str, str] = {}
    result: dict[str, tuple[str, bytes]] = {}
    while waiting:
        ready = []
        for name, (content, pattern) in waiting.items():
            if pattern is None:
                ready.append(name)
                continue
            targets = _targets(name, content.decode("utf-8"), pattern)
            if all(target in names or target not in waiting or target == name for target in targets):
                ready.append(name)
        if not ready:  # files referring to each other: named as they are
            ready = list(waiting)
        for name in ready:
            content, pattern = waiting.pop(name)
            if pattern is not None:
                content = _rewrite(name, content.decode("utf-8"), pattern, names).encode("utf-8")
            names[name] = hashed_name(name, content)
            result[name] = (names[name], content)
    return result


def build(root: Path, cache: Path) -> Build:
    """The hashed copies of every file under root, written under cache once per set of contents."""
    files = contents(root)
    digest = hashlib.sha256("\n".join(hashed for hashed, _ in files.values()).encode()).hexdigest()[:16]
    folder = cache / digest
    if not folder.is_dir():
        cache.mkdir(mode=0o700, parents=True, exist_ok=True)
        temporary = cache / f".{digest}.{os.getpid()}.{threading.get_ident()}"
        shutil.rmtree(temporary, ignore_errors=True)
        compressor = Compressor(quiet=True)
        for hashed, content in files.values():
            target = temporary / hashed
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
            if compressor.should_compress(hashed):
                compressor.compress(str(target))
        try:
            temporary.rename(folder)
        except OSError:  # another process put the same set in place first
            shutil.rmtree(temporary, ignore_errors=True)
        _forget_old_builds(cache, keep=folder)
    os.utime(folder)  # in use from now: an old set is one no process has started with for a week
    return Build(folder, {name: hashed for name, (hashed, _) in files.items()})


def _forget_old_builds(cache: Path, keep: Path) -> None:
    cutoff = time.time() - KEEP_OLD_BUILDS_SECONDS
    for folder in cache.iterdir():
        if folder != keep and _modified(folder) < cutoff:
            shutil.rmtree(folder, ignore_errors=True)


def _modified(folder: Path) -> float:
    """When a set was last started with; a folder another process removes meanwhile counts as new."""
    try:
        return folder.stat().st_mtime
    except FileNotFoundError:
        return time.time()


class StaticFiles:
    """The application's static files: hashed names for url_for, WhiteNoise serving the copies."""

    def __init__(self, app: Flask, root: Path, cache: Path, *, autorefresh: bool) -> None:
        self.root, self.cache, self.autorefresh = root, cache, autorefresh
        self._lock = threading.Lock()
        self._checked = 0.0
        self._signature = _signature(root)
        self.current = _cached_build(root, cache, self._signature)
        self.whitenoise = _whitenoise(app.wsgi_app)
        self._serve()
        app.wsgi_app = self.whitenoise

    def url_name(self, name: str) -> str:
        """The hashed name of a file under static/, or the name itself when it has none."""
        if self.autorefresh:
            self._refresh()
        return self.current.names.get(name, name)

    def _refresh(self) -> None:
        if time.monotonic() - self._checked >= 1.0:
            self.reload()

    def reload(self) -> None:
        """Read the files again; a changed set is built and served from now on."""
        with self._lock:
            self._checked = time.monotonic()
            signature = _signature(self.root)
            if signature == self._signature:
                return
            self._signature = signature
            self.current = _cached_build(self.root, self.cache, signature)
            self._serve()

    def _serve(self) -> None:
        """The current files, and those of earlier sets still in the cache: a page opened before a
        release still gets the files it names (the scanner fetches its decoder when the camera starts)."""
        scratch = _whitenoise(None)  # filled aside, then swapped in whole: no request sees it half-made
        earlier = [
            folder
            for folder in sorted(self.cache.iterdir(), key=_modified)
            if folder.is_dir() and not folder.name.startswith(".") and folder != self.current.folder
        ]
        for folder in [*earlier, self.current.folder]:
            try:
                scratch.add_files(str(folder), prefix=PREFIX)
            except FileNotFoundError:  # an old set another process has just removed
                continue
        self.whitenoise.files = scratch.files


class _WhiteNoise(WhiteNoise):
    FOREVER = 365 * 24 * 3600  # a year, the longest max-age caches are asked to honour (RFC 9111)


def _whitenoise(application) -> WhiteNoise:
    return _WhiteNoise(
        application,
        max_age=None,
        allow_all_origins=False,
        immutable_file_test=lambda path, url: True,  # every name it serves carries its hash
        add_headers_function=_add_headers,
    )


_builds: dict[tuple, Build] = {}
_builds_lock = threading.Lock()


def _cached_build(root: Path, cache: Path, signature: tuple) -> Build:
    """One build per set of files per process (tests make many applications)."""
    key = (str(root), str(cache), signature)
    with _builds_lock:
        found = _builds.get(key)
        if found is None or not found.folder.is_dir():
            found = _builds[key] = build(root, cache)
        return found


def _add_headers(headers, path, url) -> None:
    """The security headers every response carries (an SVG opened on its own runs no script)."""
    for name, value in HEADERS:
        headers.setdefault(name, value)


def init_app(app: Flask) -> None:
    cache = Path(app.config["STATIC_CACHE_FOLDER"] or Path(app.instance_path) / "static-cache")
    files = StaticFiles(app, Path(app.static_folder), cache, autorefresh=app.config["STATIC_AUTOREFRESH"])
    app.extensions["fairapp_static"] = files

    def font_files() -> list[str]:
        """The URLs of every font file the stylesheets may ask for (the offline scanner pages keep them)."""
        return [
            url_for("static", filename=name) for name in sorted(files.current.names) if name.startswith(FONTS)
        ]

    app.jinja_env.globals["font_files"] = font_files

    @app.url_defaults
    def _hashed_static_name(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "filename" in values:
            values["filename"] = files.url_name(values["filename"])
