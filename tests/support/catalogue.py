"""Keep the English catalogue in step with the source tree (docs/i18n.md).

    python -m tests.support.catalogue --check        # exit 1 listing missing/untranslated/bad msgids
    python -m tests.support.catalogue --update       # extract, merge into en, compile the .mo
    python -m tests.support.catalogue --todo > t.tsv # untranslated msgids, one per line: msgid<TAB>
    python -m tests.support.catalogue --fill t.tsv   # write msgid<TAB>msgstr lines into en, compile

The source strings are zh-CN (the default locale needs no catalogue); `en` is the only
translation. Extraction runs in-process with babel's API and the repository's babel.cfg, so the
check in tests/unit/test_catalogue.py sees exactly what `pybabel extract -F babel.cfg` would.
"""

from __future__ import annotations

import argparse
import io
import re
import sys
from collections.abc import Iterable
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "consult" / "translations"
PO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")
# `_l` is flask_babel.lazy_gettext (labels defined at import time); the rest are babel's defaults.
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%[sdif]")


def extract() -> Catalog:
    """Every msgid in the source tree, as `pybabel extract -F babel.cfg -k _l` finds them."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    template = Catalog(project="consult", charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS, strip_comment_tags=True
    ):
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def load() -> Catalog:
    if not PO.exists():
        return Catalog(locale="en", project="consult", charset="utf-8")
    with PO.open("rb") as fh:
        return read_po(fh, locale="en")


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text)) if "%(" in text else sorted(re.findall(r"%[sdif]", text))


def _strings(value: str | tuple | list | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else [v for v in value if v is not None]


def problems(template: Catalog, catalogue: Catalog) -> list[str]:
    """Why `catalogue` does not fully translate `template`; empty when it does."""
    found = []
    for message in template:
        if not message.id:
            continue
        entry = catalogue.get(message.id, message.context)
        key = message.id if isinstance(message.id, str) else message.id[0]
        if entry is None:
            found.append(f"missing: {key!r}")
        elif not all(_strings(entry.string)) or not _strings(entry.string) or entry.fuzzy:
            found.append(f"untranslated: {key!r}")
        elif placeholders(key) != placeholders(_strings(entry.string)[0]):
            found.append(f"placeholders differ: {key!r} -> {_strings(entry.string)[0]!r}")
    return found


def compiled(catalogue: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalogue)
    return buffer.getvalue()


def save(catalogue: Catalog) -> None:
    catalogue.fuzzy = False  # the header: a fuzzy header reads as "not reviewed" in PO editors
    PO.parent.mkdir(parents=True, exist_ok=True)
    with PO.open("wb") as fh:
        # No source locations and a fixed header date: the file changes only when a msgid or msgstr does,
        # so branches that add strings merge without conflicts in unrelated lines.
        write_po(fh, catalogue, width=100, sort_output=True, no_location=True)
    MO.write_bytes(compiled(load()))


def update() -> Catalog:
    """Merge the current msgids into `en`: new ones empty, vanished ones dropped, no fuzzy guesses."""
    catalogue = load()
    created = catalogue.creation_date
    catalogue.update(extract(), no_fuzzy_matching=True)
    catalogue.creation_date = catalogue.revision_date = created
    catalogue.obsolete.clear()
    save(catalogue)
    return catalogue


def fill(lines: Iterable[str]) -> int:
    catalogue = load()
    count = 0
    for line in lines:
        if "\t" not in line:
            continue
        msgid, msgstr = line.rstrip("\n").split("\t", 1)
        msgid, msgstr = _unescape(msgid), _unescape(msgstr)
        if msgstr and msgid in catalogue:
            catalogue[msgid].string = msgstr
            catalogue[msgid].flags.discard("fuzzy")
            count += 1
    save(catalogue)
    return count


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t")


def _unescape(text: str) -> str:
    return re.sub(r"\\([\\nt])", lambda m: {"n": "\n", "t": "\t", "\\": "\\"}[m.group(1)], text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--check", action="store_true")
    group.add_argument("--update", action="store_true")
    group.add_argument("--todo", action="store_true")
    group.add_argument("--fill", metavar="TSV")
    args = parser.parse_args(argv)
    if args.update:
        catalogue = update()
        todo = [m for m in catalogue if m.id and not m.string]
        print(f"{PO.relative_to(ROOT)}: {len(catalogue)} msgids, {len(todo)} untranslated", file=sys.stderr)
        return 0
    if args.todo:
        for message in load():
            if message.id and (not message.string or message.fuzzy):
                print(_escape(message.id) + "\t")
        return 0
    if args.fill:
        with open(args.fill, encoding="utf-8") as fh:
            print(f"filled {fill(fh)} msgstr", file=sys.stderr)
        return 0
    found = problems(extract(), load())
    if MO.exists() and MO.read_bytes() != compiled(load()):
        found.append(f"{MO.relative_to(ROOT)} is stale: run --update")
    print("\n".join(found) or "catalogue complete", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
