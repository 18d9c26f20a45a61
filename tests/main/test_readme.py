"""The README's production steps set a database up the way `make run` does (except the demo data), so a
new deployment has its wards and can create its first fair."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NOT_FOR_PRODUCTION = {"seed-demo", "run"}  # demo data, and the development server


def _make_run_commands() -> list[str]:
    """The `flask` subcommands the `run` target of the Makefile runs, in order."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^run:.*\n((?:\t.*\n)+)", makefile, re.MULTILINE)
    assert recipe, "no run target in the Makefile"
    return re.findall(r"\$\(FLASK\) ([a-z-]+(?: [a-z-]+)?)", recipe.group(1))


def _production_section() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = re.search(r"^## Production\n(.*?)(?=^## )", readme, re.MULTILINE | re.DOTALL)
    assert section, "no Production section in the README"
    return section.group(1)


def test_make_run_sets_up_the_schema_and_the_units():
    commands = _make_run_commands()
    assert commands[:2] == ["db upgrade", "geo load"]


def test_production_steps_name_every_setup_command_of_make_run_in_order():
    production = _production_section()
    setup = [command for command in _make_run_commands() if command.split()[0] not in NOT_FOR_PRODUCTION]
    assert setup, "make run sets nothing up?"
    positions = []
    for command in setup:
        position = production.find(f"flask --app fairapp {command}")
        assert position >= 0, f"the README's production steps do not run `{command}`"
        positions.append(position)
    assert positions == sorted(positions), "the production steps run the setup commands out of order"
    assert "flask --app fairapp seed-demo" not in production
