"""The public statistics as JSON-ready dicts: one function for the whole site, one per plan.

Both return ``{"scope": {...}, "generated_at": ISO-8601 UTC, "summary": {...}, "figures": {key: figure}}``.
Every figure is a table with a chart hint, the same for the page, the CSV download and the API:

    {"key": "per_channel", "title": "…", "description": "what it counts", "source": "where from",
     "chart": {"type": "bar" | "grouped" | "stacked" | "timeline", "label": <column key>,
               "series": [<column keys drawn>]},
     "columns": [{"key": "label", "label": "渠道"}, {"key": "count", "label": "意见数"}, …],
     "rows": [{"label": "网站留言", "count": 12, …}, …],   # values: str, int, float or None
     "available": true, "note": ""}                         # available false: not published (yet)

Only published data: published plans; opinions that are published or analysed from a registered
channel (consult.stats.queries); answers, clusters and stances only once the plan's feedback
report is published; hearing seats once the participant list is public; survey groups below
``SURVEY_MIN_GROUP`` answer sheets are left out (counted in ``hidden_groups``). No personal data.
docs/stats.md describes every figure.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _

from consult.core import channels
from consult.core.web.languages import N_
from consult.digests import operations as digests
from consult.digests import readable
from consult.digests.reports import STANCE_LABELS, local
from consult.extensions import db
from consult.hearings import operations as hearing_ops
from consult.plans.models import Plan
from consult.responses import feedback
from consult.responses.models import ResponseStatus
from consult.responses.operations import status_labels
from consult.stats import queries
from consult.surveys.satisfaction import scorecard
from worker.analysis.privacy import mask_text
from worker.analysis.results import DigestResult

WHOLE_PLAN = N_("整个方案（未能确定条款）")  # translated where shown (zh-CN: the text itself)
UNANSWERED = "unanswered"
STATUSES = tuple(str(s) for s in ResponseStatus)


def _figure(key: str, title: str, columns: list[tuple[str, str]], rows: list[dict[str, Any]], *, chart: str, series: list[str],
            description: str, source: str, available: bool = True, note: str = "", **extra: Any) -> dict[str, Any]:
    return {
        "key": key, "title": title, "description": description, "source": source,
        "chart": {"type": chart, "label": columns[0][0], "series": series},
        "columns": [{"key": k, "label": label} for k, label in columns], "rows": rows,
        "available": available, "note": note, **extra,
    }


def site_figures() -> dict[str, Any]:
    """Every published plan together, plus the suggestion box and the satisfaction surveys."""
    days = queries.per_day()
    channel_counts = queries.per_channel()
    plans = queries.per_plan()
    figures = [
        _daily(days), _weekly(days), _channels(channel_counts), _plans(plans), _adoption_per_plan(),
        _hearings(queries.hearings()), _handling(queries.handling()), _satisfaction(),
    ]
    summary = {"plans": len(plans), "opinions": sum(channel_counts.values()), "plans_with_feedback": len(figures[4]["rows"])}
    return {"scope": {"kind": "site"}, "generated_at": datetime.now(UTC).isoformat(), "summary": summary, "figures": {f["key"]: f for f in figures}}


def plan_figures(plan_id: int) -> dict[str, Any] | None:
    """One published plan's figures; None when there is no such published plan."""
    plan = db.session.get(Plan, plan_id)
    if plan is None or not plan.published:
        return None
    reported = feedback.report_for(plan.id) is not None
    # The digest is read (and its JSON decoded) once: its clause mapping places opinions, and once
    # the feedback is published its clusters and stances are figures too.
    digest = digests.latest(plan.id)
    # Only the parts read here: the per-opinion assignments of a large digest take as long to rebuild as the rest.
    raw = digest.result if digest is not None and digest.result else None
    result = DigestResult.from_dict({"themes": raw.get("themes", []), "clause_links": raw.get("clause_links", {})}) if raw else None
    threshold = readable.min_confidence()
    links = {doc: link for doc, link in (result.clause_links if result else {}).items() if link[1] >= threshold}
    placed = queries.placed_statuses(plan.id, links)
    if not reported:
        digest = result = None
    days = queries.per_day(plan.id)
    channel_counts = queries.per_channel(plan.id)
    figures = [
        _daily(days), _weekly(days), _channels(channel_counts), _clauses(plan, placed), _stance(result, reported),
        _adoption_per_clause(plan, placed, reported), _adoption_per_cluster(plan.id, digest, result, reported),
        _hearings(queries.hearings(plan.id)), _satisfaction(plan_id=plan.id),
    ]
    summary = {"opinions": sum(channel_counts.values()), "feedback_published": reported, "status": str(plan.status)}
    scope = {"kind": "plan", "plan_id": plan.id, "title": plan.title}
    return {"scope": scope, "generated_at": datetime.now(UTC).isoformat(), "summary": summary, "figures": {f["key"]: f for f in figures}}


# --- participation ------------------------------------------------------------------------------


def _daily(days: list[tuple[str, int]]) -> dict[str, Any]:
    return _figure(
        "participation_daily", _("每日意见数"), [("day", _("日期")), ("count", _("意见数"))],
        [{"day": d, "count": n} for d, n in days], chart="timeline", series=["count"],
        description=_("每天收到的意见条数（北京时间），各渠道合计；只计已公开或已纳入分析的意见。"), source="comment",
    )


def _weekly(days: list[tuple[str, int]]) -> dict[str, Any]:
    weeks: Counter[str] = Counter()
    for day, n in days:
        start = date.fromisoformat(day)
        weeks[(start - timedelta(days=start.weekday())).isoformat()] += n
    return _figure(
        "participation_weekly", _("每周意见数"), [("week", _("周（自周一起）")), ("count", _("意见数"))],
        [{"week": w, "count": weeks[w]} for w in sorted(weeks)], chart="timeline", series=["count"],
        description=_("按自然周（周一至周日，北京时间）合计的意见条数。"), source="comment",
    )


def _channels(counts: dict[str, int]) -> dict[str, Any]:
    total = sum(counts.values())
    rows = [
        {"channel": str(c.label), "source": c.source, "count": counts.get(c.source, 0), "share": round(counts.get(c.source, 0) / total, 4) if total else 0.0}
        for c in channels.all_channels() if c.tallied
    ]
    return _figure(
        "per_channel", _("各渠道意见数"), [("channel", _("渠道")), ("count", _("意见数")), ("share", _("占比"))], rows,
        chart="bar", series=["count"], source="comment.source",
        description=_("网站留言、来信、电子邮件、热线、论坛、听证会、问卷等渠道各自的意见条数。"),
    )


def _plans(plans: list[tuple[int, str, int]]) -> dict[str, Any]:
    return _figure(
        "per_plan", _("各方案意见数"), [("plan", _("方案")), ("count", _("意见数")), ("plan_id", _("方案编号"))],
        [{"plan": t, "count": n, "plan_id": i} for i, t, n in plans], chart="bar", series=["count"],
        description=_("每个已发布方案收到的意见条数。"), source="comment",
    )


def _clause_label(plan: Plan) -> dict[int, str]:
    many = len(plan.versions) > 1
    return {c.id: (_("第%(n)s版 ", n=v.number) if many else "") + c.label for v in plan.versions for c in v.clauses}


def _clause_rows(plan: Plan, placed: dict[int | None, Counter[str | None]]) -> list[tuple[str, Counter[str | None]]]:
    """The consulted version's clauses in order (with none, too), other clauses with opinions, then the whole plan."""
    labels = _clause_label(plan)
    base = feedback.consulted_version(plan) if plan.versions else None
    order = [c.id for c in base.clauses] if base else []
    order += [c.id for v in plan.versions for c in v.clauses if c.id not in order and c.id in placed]
    rows = [(labels[cid], placed.get(cid, Counter())) for cid in order]
    rows += [(_("条款 %(n)s", n=cid), placed[cid]) for cid in placed if cid is not None and cid not in labels]
    return rows + [(_(WHOLE_PLAN), placed.get(None, Counter()))]


def _clauses(plan: Plan, placed: dict[int | None, Counter[str | None]]) -> dict[str, Any]:
    return _figure(
        "per_clause", _("各条款意见数"), [("clause", _("条款")), ("count", _("意见数"))],
        [{"clause": label, "count": sum(c.values())} for label, c in _clause_rows(plan, placed)], chart="bar", series=["count"],
        description=_("意见归入的条款：针对条款提出的、工作人员更正的，或自动匹配置信度足够高的；其余计入“整个方案”。"),
        source=_("comment.clause_id / clause_override_id / 最新摘要的条款匹配"),
    )


# --- stance and adoption ------------------------------------------------------------------------


def _stance(result: DigestResult | None, reported: bool) -> dict[str, Any]:
    counts: Counter[str] = Counter()
    for theme in result.themes if result else []:
        counts.update(theme.stance_counts)
    total = sum(counts.values())
    rows = [{"stance": _(label), "count": counts.get(key, 0), "share": round(counts.get(key, 0) / total, 4) if total else 0.0} for key, label in STANCE_LABELS.items()]
    return _figure(
        "stance", _("意见立场构成"), [("stance", _("立场")), ("count", _("意见数")), ("share", _("占比"))], rows if total else [],
        chart="bar", series=["count"], available=reported, note="" if reported else _("采纳情况反馈公布后显示。"),
        description=_("摘要对每条意见判断的立场（支持、反对、建议、疑问、其他）的条数。"), source=_("最新摘要（digest.result）"),
    )


def _status_columns(first: tuple[str, str]) -> list[tuple[str, str]]:
    labels = status_labels()
    return [first, ("total", _("意见数"))] + [(s, str(labels[s])) for s in STATUSES] + [(UNANSWERED, _("未答复")), ("adopted_share", _("采纳及部分采纳占比"))]


def _status_row(key: str, label: str, counts: Counter[str | None] | dict[str | None, int]) -> dict[str, Any]:
    total = sum(counts.values())
    row: dict[str, Any] = {key: label, "total": total}
    row.update({s: counts.get(s, 0) for s in STATUSES})
    row[UNANSWERED] = counts.get(None, 0)
    row["adopted_share"] = round((row[ResponseStatus.ADOPTED] + row[ResponseStatus.PARTLY]) / total, 4) if total else 0.0
    return row


def _adoption_per_clause(plan: Plan, placed: dict[int | None, Counter[str | None]], reported: bool) -> dict[str, Any]:
    rows = [_status_row("clause", label, c) for label, c in _clause_rows(plan, placed) if sum(c.values())] if reported else []
    return _figure(
        "adoption_per_clause", _("各条款意见采纳情况"), _status_columns(("clause", _("条款"))), rows,
        chart="stacked", series=[*STATUSES, UNANSWERED], available=reported, note="" if reported else _("采纳情况反馈公布后显示。"),
        description=_("每个条款下的意见被采纳、部分采纳、未采纳、现行规定已有或尚未答复的条数。"), source=_("response（已公布的采纳情况反馈）"),
    )


def _adoption_per_cluster(plan_id: int, digest: Any, result: DigestResult | None, reported: bool) -> dict[str, Any]:
    rows = []
    if result is not None:
        answers = queries.answer_statuses(plan_id)
        kept_out = queries.untallied_ids(plan_id)  # clustered with the rest, never counted in public
        for t, theme in enumerate(result.themes):
            for i, issue in enumerate(theme.issues):
                counts: Counter[str | None] = Counter(answers.get(m) for m in issue.member_ids if m not in kept_out)
                if not counts:
                    continue
                # Labels are citizens' words (digest keywords): masked, though the digest masks its texts already.
                row = _status_row("cluster", mask_text(f"{theme.label} › {issue.label}"), counts)
                row["ref"] = f"D{digest.number}-T{t + 1}-I{i + 1}"
                rows.append(row)
    return _figure(
        "adoption_per_cluster", _("各类问题意见采纳情况"), [*_status_columns(("cluster", _("问题"))), ("ref", _("问题编号"))], rows,
        chart="stacked", series=[*STATUSES, UNANSWERED], available=reported, note="" if reported else _("采纳情况反馈公布后显示。"),
        description=_("摘要归纳的每类问题中，意见的采纳情况。"), source=_("最新摘要的问题归类 + response"),
    )


def _adoption_per_plan() -> dict[str, Any]:
    rows = []
    for plan_id, title, counts in queries.adoption_per_plan():
        row = _status_row("plan", title, counts)
        row["plan_id"] = plan_id
        rows.append(row)
    return _figure(
        "adoption_per_plan", _("各方案意见采纳情况"), [*_status_columns(("plan", _("方案"))), ("plan_id", _("方案编号"))], rows,
        chart="stacked", series=[*STATUSES, UNANSWERED],
        description=_("已公布采纳情况反馈的方案中，意见的采纳情况。"), source=_("response（已公布的采纳情况反馈）"),
    )


# --- hearings, suggestions, satisfaction ------------------------------------------------------------


def _hearings(items: list[dict]) -> dict[str, Any]:
    now = datetime.now(UTC)
    rows = []
    for item in items:
        hearing, states = item["hearing"], item["states"]
        public = hearing_ops.participants_public(hearing, now)
        rows.append({
            "hearing": hearing.title, "starts_at": local(hearing.starts_at), "seats": hearing.capacity,
            "applications": sum(states.values()), "cancelled": states.get("cancelled", 0),
            "selected": states.get("selected", 0) if public else None,
            "waiting": states.get("waiting", 0) if public else None,
            "speakers": item["speakers"] if hearing.minutes_published_at else None,
            "hearing_id": hearing.id,
        })
    columns = [("hearing", _("听证会")), ("seats", _("座位数")), ("applications", _("报名人数")), ("selected", _("入选人数")), ("waiting", _("候补人数")),
               ("cancelled", _("取消报名")), ("speakers", _("笔录中的发言人数")), ("starts_at", _("举行时间")), ("hearing_id", _("编号"))]
    return _figure(
        "hearings", _("听证会参与情况"), columns, rows, chart="grouped", series=["seats", "applications", "selected"],
        description=_("每场听证会的座位数、报名人数（含后来取消的）、入选和候补人数（名单公布后）、笔录中的发言人数（笔录公布后）。系统不记录签到，出席人数以笔录为准。"),
        source="hearing, hearing_application, hearing_minutes_part",
    )


def _handling(data: dict) -> dict[str, Any]:
    rows = [{"bucket": _(label), "count": n} for label, n in data["buckets"]]
    return _figure(
        "suggestion_handling", _("改革建议办理用时"), [("bucket", _("办理用时")), ("count", _("建议数"))], rows if any(r["count"] for r in rows) else [],
        chart="bar", series=["count"], percentiles=data["percentiles"], open=data["open"],
        description=_("常设建议征集中已答复的建议从提交到答复所用的天数分布；中位数和百分位数以天计。"),
        source="suggestion.created_at / replied_at",
    )


def _satisfaction(plan_id: int | None = None) -> dict[str, Any]:
    floor = int(current_app.config.get("SURVEY_MIN_GROUP", 5))
    groups: dict[str, dict[str, Any]] = {}
    for line in scorecard(plan_id=plan_id):
        group = groups.setdefault(line.department, {"responses": 0, "answers": 0, "score": 0.0, "dist": Counter()})
        group["responses"] += line.responses
        for cell in line.months:
            group["answers"] += cell.answers
            group["score"] += cell.index * cell.answers
            group["dist"].update(cell.distribution)
    shown = {name: g for name, g in groups.items() if g["responses"] >= floor}
    rows = [
        {"department": name, "responses": g["responses"], "answers": g["answers"], **{f"v{v}": g["dist"].get(v, 0) for v in range(1, 6)},
         "index": round(g["score"] / g["answers"], 1) if g["answers"] else None}
        for name, g in sorted(shown.items())
    ]
    columns = [("department", _("部门")), ("responses", _("答卷数")), ("answers", _("评分数"))] + [(f"v{v}", _("%(v)s分", v=v)) for v in range(1, 6)] + [("index", _("满意度指数"))]
    return _figure(
        "satisfaction", _("各部门满意度评分分布"), columns, rows, chart="stacked", series=[f"v{v}" for v in range(1, 6)],
        hidden_groups=len(groups) - len(shown), min_group=floor,
        note=_("答卷少于 %(n)s 份的部门不单独显示，以免推断出个人。", n=floor) if len(groups) > len(shown) else "",
        description=_("满意度问卷中各部门 1-5 分评分的条数、答卷数和满意度指数（0-100）。"), source=_("survey_answer（评分、满意度题）"),
    )
