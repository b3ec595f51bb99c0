"""Splitting a plan body into a tree of numbered clauses (see the package docstring)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from .numbers import _CIRCLED, AR_NUM, CN_NUM, cn_to_int

# --------------------------------------------------------------------------- data


@dataclass
class Clause:
    """One numbered unit of a plan.

    `number` is the marker exactly as written, minus whitespace ("第三条", "二、",
    "（一）", "1.", "一是"); "" for the preamble. `title` is a short heading
    ("总体要求", or "深化商事制度改革。" when a heading sentence opens the paragraph),
    `text` the clause's own text without its children. `key` is the dotted
    1-based position ("2.1.3"); the preamble is "0" so later keys do not shift
    when a preamble is added or removed.
    """

    number: str
    title: str
    text: str
    level: int
    kind: str
    key: str = ""
    ordinal: int | None = None
    children: list[Clause] = field(default_factory=list)

    @property
    def path(self) -> str:
        return self.key

    @property
    def label(self) -> str:
        """Short display label: "第三条", "一、总体要求", "（一）指导思想"."""
        title = self.title.rstrip("。．.：:；;")
        if self.kind in _HEADING_WITH_SPACE and title:
            return f"{self.number} {title}"
        return f"{self.number}{title}" if self.number else "序言"

    def full_text(self) -> str:
        """Number, title, text and all descendants, as a readable block."""
        if self.title:
            own = self.number + self.title + ("\n" + self.text if self.text else "")
        else:
            sep = " " if self.kind in _SPACED_TEXT and self.text else ""
            own = self.number + sep + self.text
        return "\n".join([own, *(c.full_text() for c in self.children)]).strip()


# Kinds whose title is conventionally separated by a space ("第一章 总则").
_HEADING_WITH_SPACE = {"part", "chapter", "section"}
# Kinds whose marker is set off from running text by a space ("第三条 为了……").
_SPACED_TEXT = {"part", "chapter", "section", "article"}

# Rank decides nesting: a heading becomes the child of the nearest open heading
# with a smaller rank. Fixed ranks follow GB/T 9704 and legislative drafting
# practice; documents rarely deviate and a fixed order keeps siblings stable.
_RANK = {
    "part": 0,
    "chapter": 1,
    "section": 2,
    "article": 3,
    "cn_item": 4,
    "paren_cn": 5,
    "arabic": 6,
    "paren_arabic": 7,
    "circled": 8,
}

_WS = re.compile(r"\s+")
_RE_LEGAL = re.compile(rf"^第\s*({CN_NUM}|{AR_NUM})\s*([编編章节節条條])")
_LEGAL_KIND = {
    "编": "part",
    "編": "part",
    "章": "chapter",
    "节": "section",
    "節": "section",
    "条": "article",
    "條": "article",
}
_RE_CN_ITEM = re.compile(r"^([一二三四五六七八九十]{1,3})\s*([、，,．.])")
# "五 破除梗阻问题" (numeral + space, no 、) is seen in reports; only a short heading qualifies.
_RE_CN_SPACE = re.compile(r"^([一二三四五六七八九十]{1,3})[ \t\u3000]+(?=\S)")
_RE_PAREN_CN = re.compile(r"^[（(]\s*([一二三四五六七八九十]{1,3})\s*[）)]")
_RE_ARABIC = re.compile(rf"^({AR_NUM})\s*[.．、](?![0-9０-９])")
_RE_PAREN_AR = re.compile(rf"^[（(]\s*({AR_NUM})\s*[）)]")
_RE_CIRCLED = re.compile(f"^([{_CIRCLED}])")
# After "第三条" with no space, these mean the line is a sentence citing the article.
_REF_CONTINUATION = re.compile(
    r"^(规定|規定|所|的|中|至|到|、|，|,|和|與|与|及|或|第|之|以|有关|有關|相关|相關|明确|明確|要求|提出|款|项|項)"
)
_BRACKET_TITLE = re.compile(r"^(【[^】]{1,20}】|[（(][^）)]{1,15}[）)])")
_SENTENCE_END = "。；;！!？?"
_TITLE_MAX = 30
_INLINE_TITLE_MAX = 25


@dataclass
class _Heading:
    kind: str
    number: str
    ordinal: int | None
    rest: str


def _detect_heading(line: str, last_article: int | None) -> _Heading | None:
    """Recognise a numbered heading at the start of a stripped line."""
    m = _RE_LEGAL.match(line)
    if m:
        kind = _LEGAL_KIND[m.group(2)]
        rest = line[m.end() :]
        ordinal = cn_to_int(m.group(1))
        if rest and not rest[0].isspace():
            if _REF_CONTINUATION.match(rest):
                return None
            # "第五条本规定……" without the customary space: accept only the next article in
            # sequence, so a wrapped line beginning "第三条……" in prose is left alone.
            if (
                kind == "article"
                and not _BRACKET_TITLE.match(rest)
                and ordinal != (last_article or 0) + 1
            ):
                return None
        return _Heading(kind, _WS.sub("", m.group(0)), ordinal, rest.strip())
    for kind, rx in (
        ("paren_cn", _RE_PAREN_CN),
        ("paren_arabic", _RE_PAREN_AR),
        ("cn_item", _RE_CN_ITEM),
        ("arabic", _RE_ARABIC),
        ("circled", _RE_CIRCLED),
    ):
        m = rx.match(line)
        if m:
            if kind == "cn_item" and line[m.end() :].startswith("是"):
                return None  # "一、是" never happens; "一是" handled as enumeration.
            return _Heading(kind, _WS.sub("", m.group(0)), cn_to_int(m.group(1)), line[m.end() :])
    m = _RE_CN_SPACE.match(line)
    if m:
        rest = line[m.end() :]
        if len(rest) <= _TITLE_MAX and not any(c in rest for c in _SENTENCE_END + "，,"):
            return _Heading("cn_item", m.group(1), cn_to_int(m.group(1)), rest)
    return None


def _split_title(kind: str, rest: str) -> tuple[str, str]:
    """Split the remainder of a heading line into (title, inline text)."""
    rest = rest.strip()
    if not rest:
        return "", ""
    if kind in _HEADING_WITH_SPACE:
        return rest, ""
    if kind == "article":
        m = _BRACKET_TITLE.match(rest)
        if m:
            return m.group(0), rest[m.end() :].strip()
        return "", rest
    return _title_of_sentence(rest, whole_line_ok=True)


def _title_of_sentence(rest: str, whole_line_ok: bool) -> tuple[str, str]:
    # A short line with no sentence punctuation is a heading ("总体要求",
    # "下放权力，激发地方改革活力"); list items end in "；" or "。" and are text.
    if (
        whole_line_ok
        and len(rest) <= _TITLE_MAX
        and not any(c in rest for c in _SENTENCE_END)
        and rest[-1] not in "，,、"
        # "下放审批权限，具体包括：" introduces a list; it is a sentence, not a heading.
        and not (rest[-1] in "：:" and any(c in rest for c in "，,"))
    ):
        return rest, ""
    # "深化商事制度改革。全面推行……": a short lead sentence without commas is a run-in heading.
    m = re.search(r"[。：:]", rest)
    if m and 0 < m.start() <= _INLINE_TITLE_MAX:
        head, tail = rest[: m.end()], rest[m.end() :].strip()
        if tail and not any(c in head for c in "，,；;"):
            return head, tail
    return "", rest


# --------------------------------------------------------------------------- enumerations

_ENUM_RX = re.compile(
    r"(第([一二三四五六七八九十]{1,2})[，,、])"  # 第一，
    r"|(其([一二三四五六七八九十]{1,2})[，,、])"  # 其一，
    r"|(([一二三四五六七八九十]{1,2})是)"  # 一是
)
_ENUM_BOUNDARY = set("。；;：:！!？?\n")


def _enum_markers(text: str) -> list[tuple[int, int, str, int]]:
    """Positions (start, end, family, ordinal) of accepted enumeration markers.

    A marker counts only at the start of the text or right after sentence
    punctuation, and only inside a run 1, 2, 3… of its family with at least two
    members, so "统一是" or a lone "第一，" is not split.
    """
    found: list[tuple[int, int, str, int]] = []
    for m in _ENUM_RX.finditer(text):
        before = text[: m.start()].rstrip(" \t\u3000")
        if before and before[-1] not in _ENUM_BOUNDARY:
            continue
        if m.group(1):
            fam, num = "di", m.group(2)
        elif m.group(3):
            fam, num = "qi", m.group(4)
        else:
            fam, num = "shi", m.group(6)
        ordinal = cn_to_int(num)
        if ordinal is not None:
            found.append((m.start(), m.end(), fam, ordinal))
    # Choose one family per text: the one forming the longest valid run.
    best: list[tuple[int, int, str, int]] = []
    for fam in ("shi", "di", "qi"):
        run: list[tuple[int, int, str, int]] = []
        expected = 1
        for mk in (f for f in found if f[2] == fam):
            if mk[3] == expected:
                run.append(mk)
                expected += 1
            elif mk[3] == 1 and expected > 2:
                # A new enumeration starting in a later paragraph.
                run.append(mk)
                expected = 2
        if len(run) >= 2 and len(run) > len(best):
            best = run
    return best


def _split_enumerations(parent: Clause) -> list[Clause]:
    """Cut a clause's own text at enumeration markers; returns the new sub-clauses."""
    markers = _enum_markers(parent.text)
    if not markers:
        return []
    text = parent.text
    items: list[Clause] = []
    for i, (start, end, fam, ordinal) in enumerate(markers):
        stop = markers[i + 1][0] if i + 1 < len(markers) else len(text)
        body = text[end:stop].strip()
        title, own = _title_of_sentence(body, whole_line_ok=False)
        items.append(
            Clause(
                number=_WS.sub("", text[start:end]),
                title=title,
                text=own,
                level=parent.level + 1,
                kind="enum_shi" if fam == "shi" else "enum_di",
                ordinal=ordinal,
            )
        )
    parent.text = text[: markers[0][0]].strip()
    return items


# --------------------------------------------------------------------------- splitting


def split_clauses(body: str) -> list[Clause]:
    """Split a plan body into top-level clauses with nested children.

    Headings are only recognised at the start of a line, so "按照第三条规定" inside
    a sentence never splits. Text before the first heading becomes a preamble
    clause (kind "preamble", number ""). A body without any structure is one
    clause.
    """
    lines = [ln.strip() for ln in body.splitlines()]
    roots: list[Clause] = []
    stack: list[Clause] = []
    preamble: list[str] = []
    own_lines: dict[int, list[str]] = {}
    last_article: int | None = None
    # The inline title/text split happens per heading line; continuation lines
    # are collected and joined afterwards.
    for line in lines:
        if not line:
            continue
        h = _detect_heading(line, last_article)
        if h is None:
            if stack:
                own_lines[id(stack[-1])].append(line)
            else:
                preamble.append(line)
            continue
        if h.kind == "article":
            last_article = h.ordinal
        title, inline = _split_title(h.kind, h.rest)
        rank = _RANK[h.kind]
        while stack and _RANK[stack[-1].kind] >= rank:
            stack.pop()
        clause = Clause(
            number=h.number,
            title=title,
            text="",
            level=len(stack),
            kind=h.kind,
            ordinal=h.ordinal,
        )
        own_lines[id(clause)] = [inline] if inline else []
        (stack[-1].children if stack else roots).append(clause)
        stack.append(clause)

    def finish(clauses: list[Clause]) -> None:
        for c in clauses:
            c.text = "\n".join(own_lines.get(id(c), []))
            finish(c.children)
            # Own text precedes the first child heading, so its enumeration items do too.
            c.children[:0] = _split_enumerations(c)

    finish(roots)
    if preamble:
        roots = _with_preamble(roots, preamble)
    _assign_keys(roots, "")
    return roots


def _with_preamble(roots: list[Clause], preamble: list[str]) -> list[Clause]:
    """Text before the first heading as a preamble clause (or the essay's points)."""
    pre = Clause(number="", title="", text="\n".join(preamble), level=0, kind="preamble")
    items = _split_enumerations(pre)
    if items and not roots:
        # An essay-like body ("第一，……第二，……") has its points as its structure.
        for item in items:
            item.level = 0
        return [pre, *items] if pre.text else items
    pre.children = items
    return [pre, *roots]


def _assign_keys(clauses: list[Clause], prefix: str) -> None:
    n = 0
    for c in clauses:
        if c.kind == "preamble" and not prefix:
            c.key = "0"
        else:
            n += 1
            c.key = f"{prefix}{n}"
        _assign_keys(c.children, c.key + ".")


def flatten(clauses: Iterable[Clause]) -> list[Clause]:
    """All clauses in document order (pre-order), each with its `level`."""
    out: list[Clause] = []
    for c in clauses:
        out.append(c)
        out.extend(flatten(c.children))
    return out
