"""Clause splitting of draft plans and mapping of comments onto clauses."""

from __future__ import annotations

from dataclasses import dataclass, field

from hypothesis import given, settings
from hypothesis import strategies as st

from worker.analysis.clauses import (
    cn_to_int,
    find_reference_chains,
    find_references,
    flatten,
    map_to_clauses,
    split_clauses,
)
from worker.analysis.results import CLAUSE_CONFIDENCE_MIN


def outline(body: str) -> list[tuple[int, str, str]]:
    """(level, number, title) for every clause, in document order."""
    return [(c.level, c.number, c.title) for c in flatten(split_clauses(body))]


def nonspace(s: str) -> str:
    return "".join(ch for ch in s if not ch.isspace())


def rebuilt(body: str) -> str:
    return nonspace("".join(c.number + c.title + c.text for c in flatten(split_clauses(body))))


# --------------------------------------------------------------------------- samples

REGULATION = """某市城市管理综合执法办法（征求意见稿）

第一章　总则

第一条　为了规范城市管理综合执法行为，保护公民、法人和其他组织的合法权益，制定本办法。
第二条　本办法适用于本市行政区域内的城市管理综合执法活动。

第二章　执法程序

第三条　执法人员应当持证上岗，执法时不得少于两人。
第四条　当事人对处罚决定不服的，可以依照第三条规定的程序申请复核。
第五条　有下列情形之一的，可以从轻处罚：
（一）主动消除违法行为危害后果的；
（二）受他人胁迫实施违法行为的。

第三章　附则

第六条　本办法自2025年1月1日起施行。
"""


def test_regulation_with_chapters_and_articles() -> None:
    assert outline(REGULATION) == [
        (0, "", ""),
        (0, "第一章", "总则"),
        (1, "第一条", ""),
        (1, "第二条", ""),
        (0, "第二章", "执法程序"),
        (1, "第三条", ""),
        (1, "第四条", ""),
        (1, "第五条", ""),
        (2, "（一）", ""),
        (2, "（二）", ""),
        (0, "第三章", "附则"),
        (1, "第六条", ""),
    ]
    roots = split_clauses(REGULATION)
    assert roots[0].kind == "preamble"
    assert roots[0].text == "某市城市管理综合执法办法（征求意见稿）"
    art4 = roots[2].children[1]
    # "依照第三条规定" in the middle of article 4 is a reference, not a new article.
    assert art4.text == "当事人对处罚决定不服的，可以依照第三条规定的程序申请复核。"
    assert art4.key == "2.2"
    assert roots[2].children[2].children[1].text == "受他人胁迫实施违法行为的。"


IMPLEMENTATION_PLAN = """关于加快发展夜间经济的实施方案

一、总体要求
（一）指导思想
坚持以人民为中心，丰富夜间消费供给。
（二）发展目标
到2026年，建成10个特色夜间消费街区。

二、重点任务
（一）打造夜间消费地标
1.建设特色街区。每个区至少建成1个夜间消费街区。
2．延长营业时间。鼓励商场、超市延长营业时间至22时。
3、完善配套设施。增设夜间公交线路和临时停车泊位。
（二）优化管理服务
1.包容审慎管理外摆。在不影响通行的前提下，允许临时外摆。
（1）明确外摆时段；
（2）公布外摆区域。
"""


def test_implementation_plan_with_sections_and_items() -> None:
    assert outline(IMPLEMENTATION_PLAN) == [
        (0, "", ""),
        (0, "一、", "总体要求"),
        (1, "（一）", "指导思想"),
        (1, "（二）", "发展目标"),
        (0, "二、", "重点任务"),
        (1, "（一）", "打造夜间消费地标"),
        (2, "1.", "建设特色街区。"),
        (2, "2．", "延长营业时间。"),
        (2, "3、", "完善配套设施。"),
        (1, "（二）", "优化管理服务"),
        (2, "1.", "包容审慎管理外摆。"),
        (3, "（1）", ""),
        (3, "（2）", ""),
    ]
    roots = split_clauses(IMPLEMENTATION_PLAN)
    heading = roots[1]
    # A heading with no body of its own is a parent node with empty text.
    assert heading.text == ""
    assert [c.key for c in heading.children] == ["1.1", "1.2"]
    assert heading.children[0].text == "坚持以人民为中心，丰富夜间消费供给。"
    item = roots[2].children[0].children[1]
    assert item.text == "鼓励商场、超市延长营业时间至22时。"
    assert item.label == "2．延长营业时间"
    assert item.key == "2.1.2"


OPINION_YISHI = """关于加强社区治理的意见

（一）健全社区组织体系。一是完善社区党组织领导下的居委会运行机制。二是推动业委会规范运作。三是培育社区社会组织，每个社区不少于5个。
（二）提升社区服务能力。一是推行全科社工模式。二是建设15分钟便民生活圈。
"""


def test_opinion_with_yishi_erzhi_enumerations() -> None:
    assert outline(OPINION_YISHI) == [
        (0, "", ""),
        (0, "（一）", "健全社区组织体系。"),
        (1, "一是", ""),
        (1, "二是", ""),
        (1, "三是", ""),
        (0, "（二）", "提升社区服务能力。"),
        (1, "一是", ""),
        (1, "二是", ""),
    ]
    first = split_clauses(OPINION_YISHI)[1]
    assert first.text == ""
    assert first.children[0].text == "完善社区党组织领导下的居委会运行机制。"
    assert first.children[2].text == "培育社区社会组织，每个社区不少于5个。"
    assert [c.key for c in first.children] == ["1.1", "1.2", "1.3"]


ESSAY_DIYI = """为做好改革办综合协调工作，谈几点思考。
第一，加强统筹谋划。要抓紧制定改革台账，明确改什么、怎么改。
第二，加强督促落实。对重点改革任务实行销号管理。第三，加强宣传引导，及时回应社会关切。
"""


def test_essay_with_diyi_dier_points_is_split_into_points() -> None:
    roots = split_clauses(ESSAY_DIYI)
    assert [(c.number, c.level) for c in roots] == [
        ("", 0),
        ("第一，", 0),
        ("第二，", 0),
        ("第三，", 0),
    ]
    assert roots[0].text == "为做好改革办综合协调工作，谈几点思考。"
    assert roots[1].title == "加强统筹谋划。"
    assert roots[3].text == "加强宣传引导，及时回应社会关切。"


def test_enumeration_inside_article_becomes_subclauses() -> None:
    body = "第八条　各部门应当做好以下工作：第一，公开办事指南；第二，限时办结；第三，接受评价。\n第九条　本规定自公布之日起施行。"
    roots = split_clauses(body)
    art8 = roots[0]
    assert art8.text == "各部门应当做好以下工作："
    assert [c.number for c in art8.children] == ["第一，", "第二，", "第三，"]
    assert art8.children[1].text == "限时办结；"
    assert roots[1].number == "第九条"


MIXED = """第一章 总则
第一条 为了推进改革，制定本条例。
第二章 改革任务
第一节 放权
第二条 市人民政府应当做好下列工作：
（一）编制权力清单；
（二）下放审批权限，具体包括：
1.投资审批；
2.建设审批。
第二节 监管
第三条 加强事中事后监管。
"""


def test_mixed_nesting_chapter_section_article_items() -> None:
    assert outline(MIXED) == [
        (0, "第一章", "总则"),
        (1, "第一条", ""),
        (0, "第二章", "改革任务"),
        (1, "第一节", "放权"),
        (2, "第二条", ""),
        (3, "（一）", ""),
        (3, "（二）", ""),
        (4, "1.", ""),
        (4, "2.", ""),
        (1, "第二节", "监管"),
        (2, "第三条", ""),
    ]
    assert [c.key for c in flatten(split_clauses(MIXED))] == [
        "1",
        "1.1",
        "2",
        "2.1",
        "2.1.1",
        "2.1.1.1",
        "2.1.1.2",
        "2.1.1.2.1",
        "2.1.1.2.2",
        "2.2",
        "2.2.1",
    ]


def test_traditional_characters_split_like_simplified() -> None:
    traditional = """第一章 總則
第一條 為了減輕基層負擔，制定本規定。
第二條 本規定適用於各級機關。依照第一條規定執行。
第二章 附則
第一節 施行
第三條 本規定自印發之日起施行。"""
    assert outline(traditional) == [
        (0, "第一章", "總則"),
        (1, "第一條", ""),
        (1, "第二條", ""),
        (0, "第二章", "附則"),
        (1, "第一節", "施行"),
        (2, "第三條", ""),
    ]
    art2 = split_clauses(traditional)[0].children[1]
    assert art2.text == "本規定適用於各級機關。依照第一條規定執行。"
    assert art2.ordinal == 2


def test_body_without_structure_is_one_clause() -> None:
    body = (
        "为进一步方便群众办事，市政务服务中心将于下月起延长周末服务时间。\r\n\r\n具体安排另行通知。"
    )
    roots = split_clauses(body)
    assert len(roots) == 1
    assert roots[0].kind == "preamble"
    assert (
        roots[0].text
        == "为进一步方便群众办事，市政务服务中心将于下月起延长周末服务时间。\n具体安排另行通知。"
    )


def test_mid_sentence_and_line_start_references_do_not_split() -> None:
    body = """第一条　为了规范管理，制定本办法。
第二条　违反本办法第一条规定的，按照第三条处理。
第三条规定的情形，应当在五日内报告。
第三条　本办法自发布之日起施行。"""
    roots = split_clauses(body)
    assert [c.number for c in roots] == ["第一条", "第二条", "第三条"]
    # A wrapped line starting with "第三条规定的" stays with article 2.
    assert roots[1].text.endswith("第三条规定的情形，应当在五日内报告。")
    assert roots[2].text == "本办法自发布之日起施行。"


def test_arabic_article_numbers_and_hundreds() -> None:
    body = "第12条　申请人应当如实提交材料。\n第13条 行政机关应当在二十日内作出决定。\n第一百零一条　本条例自公布之日起施行。"
    roots = split_clauses(body)
    assert [(c.number, c.ordinal) for c in roots] == [
        ("第12条", 12),
        ("第13条", 13),
        ("第一百零一条", 101),
    ]
    assert cn_to_int("一百零一") == 101
    assert cn_to_int("十二") == 12
    assert cn_to_int("１２") == 12


def test_full_width_parens_dots_spaces_and_windows_newlines() -> None:
    body = "一、主要任务\r\n\u3000\u3000(一)推进数据共享\r\n\u3000\u30001．建设共享平台。各部门系统全部接入。\r\n\u3000\u3000①统一接口标准；\r\n\u3000\u3000②统一数据目录。\r\n\r\n（二）强化安全保障\r\n"
    assert outline(body) == [
        (0, "一、", "主要任务"),
        (1, "(一)", "推进数据共享"),
        (2, "1．", "建设共享平台。"),
        (3, "①", ""),
        (3, "②", ""),
        (1, "（二）", "强化安全保障"),
    ]
    leaf = flatten(split_clauses(body))[3]
    assert leaf.text == "统一接口标准；"


def test_decimal_numbers_and_hotline_at_line_start_are_text() -> None:
    body = "一、工作目标\n1.5亿元专项资金用于补贴小微企业。\n12345热线受理的诉求应当在3个工作日内响应。"
    roots = split_clauses(body)
    assert len(roots) == 1 and roots[0].children == []
    assert "1.5亿元" in roots[0].text and "12345热线" in roots[0].text


def test_heading_with_run_in_body_keeps_every_character() -> None:
    body = (
        "五 破除梗阻问题\n(一)明确主体、规范程序,夯实决策体系\n1.明确决策主体\n改革是一把手工程。"
    )
    assert outline(body) == [
        (0, "五", "破除梗阻问题"),
        (1, "(一)", "明确主体、规范程序,夯实决策体系"),
        (2, "1.", "明确决策主体"),
    ]
    assert rebuilt(body) == nonspace(body)


def test_lone_marker_or_unrelated_shi_is_not_an_enumeration() -> None:
    body = "（一）总体思路。坚持全市一盘棋，统一是前提。一是要加强领导。"
    clause = split_clauses(body)[0]
    assert clause.children == []
    assert clause.text == "坚持全市一盘棋，统一是前提。一是要加强领导。"


SAMPLES = [REGULATION, IMPLEMENTATION_PLAN, OPINION_YISHI, ESSAY_DIYI, MIXED]


def test_samples_never_lose_text() -> None:
    for body in SAMPLES:
        assert rebuilt(body) == nonspace(body)


# --------------------------------------------------------------------------- property

_PIECES = st.sampled_from(
    [
        "第一章",
        "第二节",
        "第二条",
        "第3条",
        " 第十二條",
        "一、",
        "二、",
        "（一）",
        "(二)",
        "1.",
        "2．",
        "3、",
        "（1）",
        "①",
        "一是",
        "二是",
        "第一，",
        "第二，",
        "其一，",
        "其二，",
        "总体要求",
        "五 ",
        "。",
        "；",
        "：",
        "，",
        "\n",
        "\r\n",
        "\u3000",
        " ",
        "按照第三条规定",
        "【目的】",
        "1.5亿",
        "统一是",
        "改革",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(_PIECES, st.text(max_size=6)), max_size=40))
def test_property_split_never_loses_or_invents_text(parts: list[str]) -> None:
    body = "".join(parts)
    clauses = flatten(split_clauses(body))
    assert rebuilt(body) == nonspace(body)
    # Levels are consistent with nesting and keys are unique anchors.
    keys = [c.key for c in clauses]
    assert len(keys) == len(set(keys))
    for c in clauses:
        for child in c.children:
            assert child.level == c.level + 1
            assert child.key.startswith(c.key + ".")


# --------------------------------------------------------------------------- mapping


@dataclass
class FakeClause:
    id: int
    label: str
    tokens: list[str] = field(default_factory=list)


CLAUSES = [
    FakeClause(1, "第一条 为了减轻基层负担", ["减轻", "基层", "负担", "制定"]),
    FakeClause(2, "第二条 精简会议", ["精简", "会议", "视频", "会议", "合并", "召开"]),
    FakeClause(3, "第三条 治理工作群打卡", ["工作群", "打卡", "晒图", "截图", "填报", "平台"]),
    FakeClause(4, "第四条 容错情形", ["容错", "失误", "先行先试", "免责", "干部"]),
]


def test_explicit_reference_wins_over_similarity() -> None:
    docs = [
        ["建议", "第三条", "删除", "会议", "视频", "会议"],  # words point to article 2
        ["第", "3", "条", "写得", "好"],
        ["第三", "条", "太", "宽泛"],
    ]
    result = map_to_clauses(docs, CLAUSES)
    assert [r[0] for r in result] == [3, 3, 3]
    assert all(conf >= 0.9 for _, conf in result)


def test_raw_text_references_including_traditional() -> None:
    docs = [["容错", "范围"], ["赞成"]]
    texts = ["第四條的容错范围太宽了", "我赞成第２条，但要配套细则"]
    result = map_to_clauses(docs, CLAUSES, texts=texts)
    assert [r[0] for r in result] == [4, 2]


def test_similarity_used_when_no_reference() -> None:
    docs = [
        ["每天", "工作群", "打卡", "晒图", "太", "累"],
        ["干部", "容错", "先行先试", "失误"],
        ["天气", "很好", "周末", "爬山"],
        [],
    ]
    result = map_to_clauses(docs, CLAUSES)
    assert result[0][0] == 3 and 0.3 < result[0][1] < 0.9
    assert result[1][0] == 4
    assert result[2] == (None, 0.0)
    assert result[3] == (None, 0.0)


def test_confidence_grows_with_overlap() -> None:
    strong = ["工作群", "打卡", "晒图", "截图", "填报"]
    weak = ["工作群", "老人", "孩子", "学校", "医院", "交通"]
    (c_strong,), (c_weak,) = (
        [r[1] for r in map_to_clauses([strong], CLAUSES)],
        [r[1] for r in map_to_clauses([weak], CLAUSES)],
    )
    assert c_strong > c_weak


def test_commenters_own_bracket_list_is_not_a_reference() -> None:
    assert find_references("我有两点建议：（一）增加人手；（二）延长时间。") == []
    refs = find_references("方案第二部分（三）中提到的外摆管理")
    assert [(r.kind, r.ordinal) for r in refs] == [("cn_item", 2), ("paren_cn", 3)]


def test_ambiguous_bracket_reference_resolved_by_similarity() -> None:
    clauses = [
        FakeClause(10, "（一）指导思想", ["指导思想", "人民", "中心"]),
        FakeClause(11, "（二）发展目标", ["目标", "街区", "建成"]),
        FakeClause(20, "（一）打造夜间消费地标", ["夜间", "街区", "地标", "消费"]),
        FakeClause(21, "（二）优化管理服务", ["外摆", "管理", "包容"]),
    ]
    docs = [["外摆", "管理", "时段"]]
    result = map_to_clauses(docs, clauses, texts=["关于（二）的外摆管理，建议明确时段"])
    assert result[0][0] == 21
    assert 0.5 < result[0][1] < 0.95


def test_no_clauses_means_no_mapping() -> None:
    assert map_to_clauses([["任何"]], []) == [(None, 0.0)]


# --------------------------------------------------------------------------- hierarchical


@dataclass
class KeyedRef:
    id: int
    label: str
    tokens: list[str]
    key: str


def _plan(body: str) -> list[KeyedRef]:
    flat = flatten(split_clauses(body))
    return [KeyedRef(i, c.label, list(c.title + c.text), c.key) for i, c in enumerate(flat)]


PLAN = """一、总体要求
（一）指导思想
坚持问题导向。
（三）做好宣传解读
加强政策解读。
二、重点任务
（一）深化商事制度改革
1.压缩企业开办时间。
2.推进证照分离。
3.便利市场主体退出。
（三）创新事中事后监管
1.全面推行双随机监管。
2.实施包容审慎监管。
3.健全信用监管机制，完善信用修复。
三、保障措施
（三）做好宣传解读
多用新媒体。
"""


def test_reference_chains_are_read_outermost_first() -> None:
    assert [
        (r.kind, r.ordinal) for r in find_reference_chains("第二部分（三）第3条：信用修复")[0]
    ] == [
        ("cn_item", 2),
        ("paren_cn", 3),
        ("article", 3),
    ]
    assert [(r.kind, r.ordinal) for r in find_reference_chains("建议第三章第十二条删除")[0]] == [
        ("chapter", 3),
        ("article", 12),
    ]
    assert [(r.kind, r.ordinal) for r in find_reference_chains("关于二（一）2的意见")[0]] == [
        ("cn_item", 2),
        ("paren_cn", 1),
        ("arabic", 2),
    ]
    # Not references: a word ending in a numeral before a bracket, a year after a bracket.
    assert find_reference_chains("统一（一）标准") == []
    assert find_reference_chains("（三）2019年的数据") == []


def test_hierarchical_references_resolve_to_the_right_clause() -> None:
    refs = _plan(PLAN)
    key_of = {r.id: r.key for r in refs}
    cases = {
        "第二部分（三）第3条：信用修复的程序太复杂。": "2.2.3",
        "二（一）2 证照分离还要跑很多趟。": "2.1.2",
        "三、（三）宣传要多用短视频。": "3.1",
        "第二部分（三）整体太笼统。": "2.2",
    }
    got = map_to_clauses([[] for _ in cases], refs, texts=list(cases))
    for (text, want), (cid, conf) in zip(cases.items(), got, strict=True):
        assert key_of[cid] == want, text
        assert conf >= CLAUSE_CONFIDENCE_MIN


def test_a_missing_item_falls_back_to_its_parent_at_lower_confidence() -> None:
    refs = _plan(PLAN)
    ((cid, conf),) = map_to_clauses([[]], refs, texts=["第二部分（三）第9条不合理"])
    assert refs[cid].key == "2.2" and CLAUSE_CONFIDENCE_MIN <= conf < 0.95


def test_chapter_article_references_in_a_regulation() -> None:
    body = "第一章 总则\n第一条 目的。\n第二条 范围。\n第二章 程序\n第三条 申请。\n第四条 复核。\n"
    refs = _plan(body)
    ((cid, conf),) = map_to_clauses([[]], refs, texts=["第二章第四条复核期限太短"])
    assert refs[cid].label.startswith("第四条") and conf == 0.95


def test_score_matrix_rows_are_the_per_comment_scores() -> None:
    # The whole-corpus scores (used by map_to_clauses) equal the comment-by-comment dicts, float
    # for float: repeated words, words no clause has, an empty comment, a comment sharing nothing.
    from worker.analysis.clauses.mapping import _Index
    from worker.analysis.results import ClauseRef

    clauses = [ClauseRef(id=10 + k, label=label, tokens=tokens) for k, (label, tokens) in enumerate([
        ("第一条", ["执法", "人员", "持证", "上岗", "执法"]), ("第二条", ["处罚", "复核", "程序"]),
        ("第三条", ["执法", "程序", "公开", "公开", "公开"])])]
    docs = [["执法", "执法", "程序", "天气", "执法"], [], ["天气", "很好"], ["公开", "处罚", "人员", "公开", "复核"] * 3,
            ["程序"]]
    index = _Index(clauses)
    matrix = index.score_matrix(docs)
    assert [{i: float(v) for i, v in enumerate(row) if v > 0} for row in matrix] == [index.scores(d) for d in docs]
