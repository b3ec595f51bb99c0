"""The documented set of expert fields (专家领域) and the evaluation criteria with their weights."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

# The six reform fields of the reform office's expert pool, plus the specialities a legality or
# risk review needs. Codes are stored (Expert.fields); labels are shown.
FIELDS: dict[str, object] = {
    "economy": _l("经济"),
    "politics": _l("政治"),
    "culture": _l("文化"),
    "society": _l("社会"),
    "ecology": _l("生态"),
    "party": _l("党建"),
    "law": _l("法律"),
    "finance": _l("财政金融"),
    "technology": _l("科技"),
    "public_admin": _l("公共管理"),
}


def field_label(code: str) -> str:
    return str(FIELDS.get(code, code))


def field_labels(codes: list[str] | None) -> str:
    return "、".join(field_label(c) for c in codes or [])


# 会诊评估 scoring sheet: each criterion 0-100; the total is the weighted mean (weights sum to 1).
CRITERIA: tuple[tuple[str, object, float], ...] = (
    ("goal", _l("目标达成度"), 0.30),
    ("effect", _l("改革实效"), 0.25),
    ("benefit", _l("群众获得感"), 0.20),
    ("innovation", _l("制度创新"), 0.15),
    ("replicable", _l("可复制推广"), 0.10),
)
CRITERION_CODES = tuple(code for code, _label, _weight in CRITERIA)
WEIGHTS = {code: weight for code, _label, weight in CRITERIA}


def criterion_label(code: str) -> str:
    return next((str(label) for c, label, _w in CRITERIA if c == code), code)


def weighted_total(scores: dict[str, int]) -> float:
    """Σ weight × score over the criteria, rounded to one decimal (0-100)."""
    return round(sum(WEIGHTS[code] * scores[code] for code in CRITERION_CODES), 1)
