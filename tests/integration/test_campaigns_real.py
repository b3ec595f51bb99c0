"""500 lightly edited copies of each of 3 form letters among real citizen messages: 3 campaigns, sizes within 2 %."""

from __future__ import annotations

import csv
import os
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from worker.analysis.pipeline import DigestDoc, build_digest
from worker.analysis.segment import Segmenter

# CI clones the project with the team's shared/ folder beside it.
SHARED = Path(os.environ.get("CONSULT_SHARED_DIR", Path(__file__).resolve().parents[2].parent / "shared"))
DATA = SHARED / "data" / "gov_messages_labeled.csv"
LETTERS = [
    "尊敬的领导：我们是城西片区的居民，强烈要求暂缓实施老旧小区停车收费方案。小区车位本来就少，收费后车辆外溢到周边道路，"
    "反而加剧拥堵。希望先增建立体停车场，再研究收费标准，并召开听证会听取居民意见。",
    "关于公积金贷款额度的建议：当前首套房公积金贷款额度上限偏低，与房价水平不匹配，建议将单人额度提高到六十万元，"
    "双职工家庭提高到一百万元，同时放宽异地缴存职工的贷款条件，切实减轻刚需家庭的购房压力。",
    "我们联名反映：学校周边校外培训机构违规收费、超前教学问题突出，家长负担沉重。恳请教育部门加大检查力度，"
    "公开投诉渠道，对违规机构依法查处，并把课后服务做实做好，让孩子在校内学足学好。",
]


def _edit(text: str, rng: random.Random) -> str:
    chars = list(text)
    for _ in range(rng.randint(1, 4)):
        i = rng.randrange(len(chars))
        op = rng.random()
        if op < 0.4:
            chars[i] = rng.choice("的了和也都很还")
        elif op < 0.7:
            del chars[i]
        else:
            chars.insert(i, rng.choice("，。！"))
    tail = rng.choice(["", "", f"我家住在{rng.randint(1, 30)}号楼。", f"联系电话1{rng.randint(3, 9)}{rng.randint(100000000, 999999999)}", "望采纳！"])
    return "".join(chars) + tail


@pytest.mark.skipif(not DATA.exists(), reason="the shared data set (../shared/data) is not beside the project")
def test_three_form_letters_among_real_messages() -> None:
    with DATA.open(encoding="utf-8") as handle:
        real = list(dict.fromkeys(row["text"] for row in csv.DictReader(handle)))
    rng = random.Random(7)
    real = rng.sample(real, 2000)
    copies = [(n, _edit(letter, rng)) for n, letter in enumerate(LETTERS) for _ in range(500)]
    texts = [(None, t) for t in real] + copies
    rng.shuffle(texts)
    segmenter = Segmenter()
    tokens = segmenter.tokens_many([t for _, t in texts])
    start = datetime(2026, 11, 1, tzinfo=UTC)
    docs = [DigestDoc(id=i + 1, tokens=tok, text=t, created_at=start + timedelta(minutes=i)) for i, ((_, t), tok) in enumerate(zip(texts, tokens, strict=True))]
    result = build_digest(docs, seed=0)

    letter_of = {i + 1: n for i, (n, _) in enumerate(texts) if n is not None}
    assert len(result.campaigns) == 3
    for campaign in result.campaigns:
        letters = {letter_of.get(m) for m in campaign.member_ids}
        assert len(letters) == 1 and None not in letters  # one letter per campaign, no real message swept in
        assert 490 <= campaign.size <= 510
        assert campaign.first_at < campaign.last_at
    assert sum(len(t.member_ids) for t in result.themes) == len(docs)
