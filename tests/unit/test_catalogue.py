"""The English catalogue covers every msgid in the source tree (docs/i18n.md).

When this fails after adding strings: `python -m tests.support.catalogue --update`, translate
the listed msgids (`--todo` / `--fill`), and commit the .po and .mo.
"""

from __future__ import annotations

from babel.messages.catalog import Catalog

from tests.support import catalogue


def test_every_msgid_in_the_source_has_an_english_translation_with_the_same_placeholders():
    found = catalogue.problems(catalogue.extract(), catalogue.load())
    assert not found, "English catalogue incomplete (python -m tests.support.catalogue --update):\n" + "\n".join(found)


def test_the_compiled_catalogue_the_app_loads_is_the_committed_po():
    assert catalogue.MO.read_bytes() == catalogue.compiled(catalogue.load()), "run python -m tests.support.catalogue --update"


def test_the_check_names_missing_untranslated_and_mismatched_strings():
    template = Catalog()
    for msgid in ("已保存。", "共 %(n)s 条。", "删除", "新"):
        template.add(msgid)
    english = Catalog(locale="en")
    english.add("已保存。", "Saved.")
    english.add("共 %(n)s 条。", "%(count)s in total.")
    english.add("删除", "")
    assert catalogue.problems(template, english) == [
        "placeholders differ: '共 %(n)s 条。' -> '%(count)s in total.'",
        "untranslated: '删除'",
        "missing: '新'",
    ]
