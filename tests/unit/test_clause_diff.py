"""The side-by-side clause diff of the feedback report: alignment and character-level changes."""

from __future__ import annotations

from types import SimpleNamespace

from consult.responses.feedback import clause_diff


def _version(*clauses: tuple[str, str]):  # type: ignore[no-untyped-def]
    items = [SimpleNamespace(number=n, title="", text=t, label=f"{n} {t[:10]}") for n, t in clauses]
    return SimpleNamespace(clauses=items)


def test_an_inserted_clause_that_renumbers_the_rest_is_one_addition() -> None:
    old = _version(("第一条", "为了规范管理，制定本办法。"), ("第二条", "本办法适用于全市。"), ("第三条", "本办法自发布之日起施行。"))
    new = _version(("第一条", "为了规范管理，制定本办法。"), ("第二条", "企业开办压缩至一个工作日。"), ("第三条", "本办法适用于全市。"), ("第四条", "本办法自发布之日起施行。"))
    rows = clause_diff(old, new)
    assert [r.kind for r in rows] == ["same", "added", "same", "same"]
    assert rows[1].new == [("insert", "第二条 企业开办压缩至一个工作日。")]


def test_a_changed_clause_shows_exactly_what_changed_on_each_side() -> None:
    rows = clause_diff(_version(("第二条", "压缩至三个工作日。")), _version(("第二条", "压缩至一个工作日。")))
    assert [r.kind for r in rows] == ["changed"]
    assert ("delete", "三") in rows[0].old and ("insert", "一") in rows[0].new
    assert "".join(t for _op, t in rows[0].old) == "第二条 压缩至三个工作日。"
    assert "".join(t for _op, t in rows[0].new) == "第二条 压缩至一个工作日。"


def test_a_removed_clause_and_no_revision() -> None:
    rows = clause_diff(_version(("第一条", "甲。"), ("第二条", "乙。")), _version(("第一条", "甲。")))
    assert [r.kind for r in rows] == ["same", "removed"]
    assert clause_diff(_version(("第一条", "甲。")), None) == []


def test_markup_in_a_clause_is_kept_as_text_for_the_escaping_template() -> None:
    rows = clause_diff(_version(("一", "<b>旧</b>")), _version(("一", "<script>x</script>")))
    assert "".join(t for _op, t in rows[0].new) == "一 <script>x</script>"
