"""The published participant list of a hearing as an A4 PDF: seats, public ids, pseudonyms (masked),
groups and stances, the waiting list and how the seats were given; times in Beijing time."""

from __future__ import annotations

from typing import Any

from consult.core.files import pdf
from consult.core.web.templating import local_time as local
from consult.hearings import operations as service
from consult.hearings.models import Hearing
from worker.analysis import lottery
from worker.analysis.privacy import mask_text

STANCES = {"support": "支持", "oppose": "反对", "other": "其他意见", "": "不限"}


def title(hearing: Hearing) -> str:
    return f"《{hearing.title}》参加人名单"


def _facts(hearing: Hearing) -> list[tuple[Any, ...]]:
    method = "公开抽签" if hearing.selection == lottery.LOTTERY else "按报名先后"
    facts = [
        f"所涉方案：《{hearing.plan.title}》。",
        f"举行时间：{local(hearing.starts_at)}（北京时间）；地点：{hearing.place or '另行通知'}。",
        f"座位 {hearing.capacity} 个，遴选方式：{method}。",
    ]
    if hearing.drawn_at:
        facts.append(f"抽签时间：{local(hearing.drawn_at)}；随机种子承诺值 {hearing.seed_commitment}，可按网站公布的抽签记录复核。")
    quotas = service.quotas_of(hearing)
    if quotas:
        facts.append("名额分配：" + "；".join(f"{q.group or STANCES.get(q.stance, q.stance)} {q.seats} 席" for q in quotas) + "。")
    return [("heading", "一、听证会基本情况", 1), *[("paragraph", f) for f in facts]]


def _row(application: Any, position: int | None) -> list[Any]:
    return [position, application.public_id, mask_text(application.user.pseudonym) if application.user else "", application.group, STANCES.get(application.stance, application.stance)]


def participants_pdf(hearing: Hearing) -> bytes:
    seated, waiting = service.seated(hearing), service.waiting(hearing)
    blocks: list[tuple[Any, ...]] = [("title", title(hearing)), ("paragraph", f"公布时间：{local(hearing.list_public_at)}（北京时间）"), *_facts(hearing)]
    blocks.append(("heading", "二、参加人名单", 1))
    header = ["座位", "公开编号", "昵称", "群体", "立场"]
    blocks.append(("table", header, [_row(a, a.seat_number) for a in seated]) if seated else ("paragraph", "暂无入选的参加人。"))
    blocks.append(("heading", "三、候补名单", 1))
    waiting_header = ["候补顺序", *header[1:]]
    blocks.append(("table", waiting_header, [_row(a, a.waiting_position) for a in waiting]) if waiting else ("paragraph", "无候补人员。"))
    return pdf.render(title(hearing), blocks)
