"""The application uses its libraries through their public APIs only: no module imports a private name
of another package (SQLAlchemy above all, whose internals change between releases), and no code reads
a private attribute SQLAlchemy defines (a compiled statement's `_bind_processors`, a type's
`_cached_result_processor`...)."""

import ast
import importlib.util
from functools import cache
from pathlib import Path

import fairapp

PACKAGE = Path(fairapp.__file__).parent
SOURCES = sorted(path for path in PACKAGE.rglob("*.py") if "migrations" not in path.parts)


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _trees():
    for path in SOURCES:
        yield path.relative_to(PACKAGE.parent), ast.parse(path.read_text(), str(path))


@cache
def _names_defined_in(root: Path) -> frozenset[str]:
    """Every private name a package's sources define: functions, classes, assigned names and attributes."""
    names = set()
    for path in root.rglob("*.py"):
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except (SyntaxError, UnicodeDecodeError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                candidates = [node.name]
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                candidates = [node.id]
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                candidates = [node.attr]
            elif isinstance(node, ast.arg):
                candidates = [node.arg]
            else:
                continue
            names.update(name for name in candidates if _private(name))
    return frozenset(names)


def test_no_module_imports_a_private_name_of_another_package():
    found = []
    for path, tree in _trees():
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                if node.module.split(".")[0] == "fairapp":
                    continue
                parts = node.module.split(".")
                names = [alias.name for alias in node.names]
                if any(_private(part) for part in parts) or any(_private(name) for name in names):
                    found.append(f"{path}:{node.lineno} from {node.module} import {', '.join(names)}")
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.split(".")[0] != "fairapp" and any(
                        _private(part) for part in alias.name.split(".")
                    ):
                        found.append(f"{path}:{node.lineno} import {alias.name}")
    assert found == []


def test_no_code_reads_a_private_attribute_of_sqlalchemy():
    sqlalchemy_names = _names_defined_in(Path(importlib.util.find_spec("sqlalchemy").origin).parent)
    ours = _names_defined_in(PACKAGE)
    found = []
    for path, tree in _trees():
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and _private(node.attr)
                and node.attr in sqlalchemy_names
                and node.attr not in ours
            ):
                found.append(f"{path}:{node.lineno} .{node.attr}")
    assert found == []


def test_the_check_finds_what_it_looks_for(tmp_path):
    """The attribute check would have caught a compiled statement's internals."""
    sqlalchemy_names = _names_defined_in(Path(importlib.util.find_spec("sqlalchemy").origin).parent)
    assert {"_bind_processors", "_result_columns", "_cached_result_processor"} <= sqlalchemy_names
