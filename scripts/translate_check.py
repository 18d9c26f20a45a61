"""What is left to translate in the English catalogue, after `make extract-messages`.

    python scripts/translate_check.py                 list untranslated / fuzzy en entries and
                                                      placeholder mismatches; exit 1 when there are any
    python scripts/translate_check.py --json > t.json the same entries as JSON, msgstr to fill in
    python scripts/translate_check.py --apply t.json  write the filled-in msgstr values into en (clears fuzzy)
    python scripts/translate_check.py --revive        give entries that came back the translation kept
                                                      in their obsolete (#~) entry (run by the Makefile)

JSON entries: {"msgid": ..., "msgid_plural": ... (plural only), "context": ... (pgettext only),
"msgstr": "..." or ["one", "other"] for plurals, "locations": [...]}.
"""

import argparse
import json
import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = ROOT / "fairapp" / "translations"
# %(name)s, %(n)d, %s, %d, %.1f — and %% (a literal percent sign) so it cannot go missing either.
PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifrx%]|\{[A-Za-z_][A-Za-z0-9_]*\}")


def po_path(locale: str) -> Path:
    return CATALOGUES / locale / "LC_MESSAGES" / "messages.po"


def load(locale: str) -> Catalog:
    with po_path(locale).open("rb") as f:
        return read_po(f, locale=locale)


def save(catalog: Catalog, locale: str) -> None:
    """Written the way `pybabel update --no-wrap` writes, so the two tools produce the same file."""
    with po_path(locale).open("wb") as f:
        write_po(f, catalog, width=None, include_previous=False)


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def strings(value) -> list[str]:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def is_translated(message: Message) -> bool:
    return all(s for s in strings(message.string)) and bool(strings(message.string))


def todo(catalog: Catalog) -> list[Message]:
    """Entries with an empty msgstr (any plural form) or flagged fuzzy."""
    return [m for m in catalog if m.id and (m.fuzzy or not is_translated(m))]


def placeholder_problems(catalog: Catalog) -> list[tuple[Message, str]]:
    """Translated entries whose msgstr uses other placeholders than the msgid."""
    problems = []
    for message in catalog:
        if not message.id or not is_translated(message):
            continue
        ids = strings(message.id)
        for index, translation in enumerate(strings(message.string)):
            expected = ids[min(index, len(ids) - 1)]
            if placeholders(translation) != placeholders(expected) and not (
                # a singular may spell the number out ("one file") instead of %(num)d
                len(ids) > 1 and set(placeholders(translation)) <= set(placeholders(ids[-1]))
            ):
                problems.append((message, f"{placeholders(expected)} ≠ {placeholders(translation)}"))
    return problems


def as_json(message: Message) -> dict:
    entry = {"msgid": strings(message.id)[0]}
    if isinstance(message.id, (list, tuple)):
        entry["msgid_plural"] = message.id[1]
        entry["msgstr"] = list(strings(message.string)) if message.fuzzy else ["", ""]
    else:
        entry["msgstr"] = message.string if message.fuzzy else ""
    if message.context:
        entry["context"] = message.context
    entry["locations"] = [f"{path}:{line}" for path, line in message.locations]
    return entry


def apply(catalog: Catalog, entries: list[dict]) -> tuple[int, list[str]]:
    applied, unknown = 0, []
    for entry in entries:
        key = (entry["msgid"], entry["msgid_plural"]) if "msgid_plural" in entry else entry["msgid"]
        message = catalog.get(key, context=entry.get("context"))
        if message is None:
            unknown.append(entry["msgid"])
            continue
        value = entry["msgstr"]
        if not all(strings(value)):
            continue  # left empty: still to do
        message.string = tuple(value) if isinstance(message.id, (list, tuple)) else value
        message.flags.discard("fuzzy")
        applied += 1
    return applied, unknown


def revive(catalog: Catalog) -> int:
    """An entry that went obsolete and came back gets its old translation back."""
    revived = 0
    for message in todo(catalog):
        key = catalog._key_for(message.id, message.context)
        old = catalog.obsolete.get(key)
        if old is not None and all(strings(old.string)) and type(old.string) is type(message.string):
            message.string = old.string
            message.flags.discard("fuzzy")
            del catalog.obsolete[key]
            revived += 1
    # An obsolete entry whose msgid is current again, and translated, is a stale duplicate.
    for key in list(catalog.obsolete):
        msgid, context = (key, None) if isinstance(key, str) else key
        current = catalog.get(msgid, context=context)
        if current is not None and is_translated(current):
            del catalog.obsolete[key]
    return revived


def report(catalog: Catalog) -> int:
    missing, problems = todo(catalog), placeholder_problems(catalog)
    for message in missing:
        where = ", ".join(f"{path}:{line}" for path, line in message.locations[:3])
        state = "fuzzy" if message.fuzzy else "untranslated"
        print(f"{state:12} {strings(message.id)[0]!r}  ({where})")
    for message, detail in problems:
        print(f"placeholders {strings(message.id)[0]!r}: {detail}")
    total = sum(1 for m in catalog if m.id)
    print(
        f"en: {total} msgids, {total - len(missing)} translated, {len(missing)} to do, "
        f"{len(problems)} placeholder mismatches",
        file=sys.stderr,
    )
    return 1 if missing or problems else 0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--json", action="store_true", help="print the entries to do as JSON")
    action.add_argument("--apply", type=Path, metavar="FILE", help="write translations from a JSON file")
    action.add_argument("--revive", action="store_true", help="restore translations from obsolete entries")
    parser.add_argument("--locale", default="en")
    args = parser.parse_args()
    catalog = load(args.locale)

    if args.json:
        json.dump([as_json(m) for m in todo(catalog)], sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    if args.apply:
        applied, unknown = apply(catalog, json.loads(args.apply.read_text(encoding="utf-8")))
        save(catalog, args.locale)
        for msgid in unknown:
            print(f"not in the catalogue (run make extract-messages?): {msgid!r}", file=sys.stderr)
        print(f"{applied} translations written to {po_path(args.locale).relative_to(ROOT)}", file=sys.stderr)
        return report(catalog)
    if args.revive:
        revived = revive(catalog)
        save(catalog, args.locale)
        print(f"{revived} translations restored from obsolete entries", file=sys.stderr)
        return 0
    return report(catalog)


if __name__ == "__main__":
    sys.exit(main())
