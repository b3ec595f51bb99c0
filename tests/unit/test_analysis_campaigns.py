"""Form-letter campaigns are found once each, with the right size, among varied texts."""

import random

from worker.analysis.campaigns import find_campaigns, group_documents

LETTERS = [
    "我们是幸福里小区的全体业主，强烈反对在小区东侧建设垃圾中转站。该选址距离居民楼不足五十米，"
    "夏季异味严重，还会带来大量运输车辆噪音，影响老人和孩子的健康。恳请规划部门重新论证选址，"
    "公开环评报告，听取居民意见。",
    "关于延迟退休政策，我认为应当实行弹性退休制度，让劳动者根据自身身体状况和工作性质自主选择"
    "退休时间，同时对从事高强度体力劳动的职工保留提前退休的通道，并完善养老金的激励机制，多缴多得。",
    "建议尽快出台电动自行车管理细则，明确过渡期内超标车辆的处理办法，对以旧换新给予财政补贴，"
    "并在小区和单位增设集中充电设施，从源头上减少楼道充电引发的火灾隐患，保障群众生命财产安全。",
]

WORDS = [
    "教育",
    "医疗",
    "养老",
    "住房",
    "交通",
    "环保",
    "就业",
    "社保",
    "物业",
    "停车",
    "噪音",
    "拆迁",
    "补贴",
    "学校",
    "医院",
    "公交",
    "地铁",
    "垃圾",
    "污水",
    "绿化",
    "路灯",
    "电梯",
    "燃气",
    "供暖",
    "户口",
    "公积金",
    "低保",
    "企业",
    "税收",
    "审批",
    "执法",
    "治安",
    "菜市场",
    "幼儿园",
    "图书馆",
    "体育馆",
    "农村",
    "道路",
    "桥梁",
    "河道",
    "工资",
    "合同",
    "培训",
    "创业",
    "贷款",
    "房价",
    "租金",
    "水费",
    "电费",
]
GLUE = [
    "的",
    "和",
    "要",
    "不",
    "在",
    "把",
    "对",
    "让",
    "很",
    "还",
    "也",
    "都",
    "又",
    "就",
    "被",
    "给",
]
CHARS = "的一是了我不人在他有这个上们来到时大地为子中你说生国年着就那和要她出也得里后自以会"


def _distinct(rng: random.Random, n: int) -> list[str]:
    out = []
    for i in range(n):
        parts = [f"编号{i}号留言："]
        for _ in range(rng.randint(8, 25)):
            parts.append(rng.choice(WORDS))
            parts.append(rng.choice(GLUE))
            if rng.random() < 0.3:
                parts.append("".join(rng.choice(CHARS) for _ in range(rng.randint(1, 4))))
        out.append("".join(parts) + "。")
    return out


def _edit(rng: random.Random, text: str) -> str:
    chars = list(text)
    for _ in range(rng.randint(0, 4)):
        op = rng.random()
        pos = rng.randrange(len(chars))
        if op < 0.33:
            chars.insert(pos, rng.choice(CHARS))
        elif op < 0.66:
            del chars[pos]
        else:
            chars[pos] = rng.choice(CHARS)
    out = "".join(chars)
    if rng.random() < 0.5:
        name = rng.choice("张王李赵刘陈杨黄") + rng.choice(["先生", "女士", "师傅", "老师"])
        out += f"我是{rng.randint(1, 30)}栋的{name}，电话138{rng.randint(10**7, 10**8 - 1)}。"
    if rng.random() < 0.2:
        out = rng.choice(["各位领导好！", "您好，", "尊敬的市长："]) + out
    return out


def _corpus(seed: int = 5) -> tuple[list[str], list[int]]:
    rng = random.Random(seed)
    docs = _distinct(rng, 2000)
    truth = [-1] * len(docs)
    for li, letter in enumerate(LETTERS):
        for _ in range(500):
            docs.append(_edit(rng, letter))
            truth.append(li)
    order = list(range(len(docs)))
    rng.shuffle(order)
    return [docs[i] for i in order], [truth[i] for i in order]


def test_three_form_letters_are_three_campaigns_of_the_right_size():
    docs, truth = _corpus()
    campaigns = find_campaigns(docs, min_size=5)
    assert len(campaigns) == 3
    for c in campaigns:
        letters = {truth[m] for m in c.members}
        assert len(letters) == 1 and -1 not in letters
        assert abs(c.size - 500) <= 10
        assert c.size == len(c.members)
        assert truth[c.representative] == truth[c.members[0]]


def test_every_document_has_a_group_and_distinct_texts_stay_alone():
    docs, truth = _corpus(seed=9)
    groups = group_documents(docs, min_size=5)
    assert len(groups.group_of) == len(docs)
    for i, t in enumerate(truth):
        in_campaign = groups.campaign_of[i] >= 0
        assert in_campaign == (t >= 0) or t >= 0  # distinct texts never join a campaign
    distinct_groups = [groups.group_of[i] for i, t in enumerate(truth) if t < 0]
    assert len(set(distinct_groups)) == len(distinct_groups)


def test_exact_copies_and_token_lists_are_grouped():
    text = "坚决支持老旧小区加装电梯，建议财政补贴一半费用，低楼层住户给予适当补偿"
    docs = [text] * 6 + ["完全不同的内容，关于公交线路调整和地铁站出入口设置的问题反映"]
    assert [c.size for c in find_campaigns(docs, min_size=5)] == [6]
    tokens = [["坚决", "支持", "老旧小区", "加装电梯", "财政", "补贴", "一半", "费用"]] * 5
    assert [c.size for c in find_campaigns(tokens, min_size=5)] == [5]


def test_short_identical_replies_are_not_a_campaign():
    assert find_campaigns(["支持！"] * 50 + ["同意"] * 20, min_size=5) == []


def test_grouping_is_deterministic():
    docs, _ = _corpus(seed=3)
    a = group_documents(docs)
    b = group_documents(docs)
    assert (a.group_of == b.group_of).all()
    assert a.campaigns == b.campaigns
