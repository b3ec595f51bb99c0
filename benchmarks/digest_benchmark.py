"""Digest benchmark: intake segmentation and ``build_digest`` on N synthetic comments.

Comments are generated from templates × policy topics × phrasing variants, with some
traditional-character copies and some form-letter campaigns, 20-200 characters long.
Prints one JSON line: n, segment_seconds, segment_speedup_vs_jieba (same texts,
single-process ``jieba.lcut``, same run), digest_seconds, digest_cpu_seconds (CPU time of
the process: compare this one when other jobs share the machine), peak_rss_mb.

    python -m benchmarks.digest_benchmark --comments 100000
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import time
from datetime import datetime, timedelta
from typing import Any

from benchmarks.typos import char_edits

TOPICS: dict[str, list[str]] = {
    "养老": ["养老金", "延迟退休", "养老服务", "居家养老", "养老机构", "退休年龄", "医养结合"],
    "医疗": ["医保报销", "异地就医", "看病难", "家庭医生", "分级诊疗", "药品集采", "挂号难"],
    "教育": ["学位紧张", "课后服务", "校外培训", "教师待遇", "划片入学", "双减政策", "幼儿园收费"],
    "住房": [
        "老旧小区改造",
        "加装电梯",
        "物业管理",
        "公积金贷款",
        "保障性住房",
        "房产证办理",
        "维修基金",
    ],
    "交通": ["公交线路", "停车难", "交通拥堵", "地铁线路", "电动车上牌", "违章停车", "校车安全"],
    "环境": ["噪音扰民", "垃圾分类", "餐饮油烟", "黑臭水体", "扬尘污染", "污水处理", "绿化带"],
    "营商": ["营商环境", "行政审批", "一网通办", "涉企收费", "融资难", "惠企政策", "证照分离"],
    "就业": ["拖欠工资", "劳动合同", "灵活就业", "社保缴费", "技能培训", "创业补贴", "失业保险"],
    "基层": [
        "基层减负",
        "形式主义",
        "网格化管理",
        "督查检查考核",
        "社区治理",
        "文山会海",
        "痕迹管理",
    ],
    "农村": ["宅基地", "土地流转", "农村公路", "人居环境", "种粮补贴", "集体经济", "乡村振兴"],
}
PLACES = [
    "A市",
    "B区",
    "C县",
    "幸福里小区",
    "城关镇",
    "东风路",
    "开发区",
    "我们村",
    "第三中学",
    "人民医院",
]
OPENERS = [
    "",
    "",
    "您好，",
    "尊敬的领导：",
    "各位领导好！",
    "我是一名退休职工，",
    "作为一名家长，",
    "本人在这里工作多年，",
]
STANCE = [
    "强烈建议{p}尽快解决{t}的问题，",
    "希望有关部门重视{t}，",
    "坚决反对{p}关于{t}的新规定，",
    "非常支持这次{t}改革，",
    "请问{p}的{t}什么时候能落实？",
    "为什么{p}的{t}一直没有进展？",
    "{p}的{t}问题已经反映多次了，",
    "关于{t}，我认为应该",
    "不支持在{p}搞{t}一刀切，",
]
DETAILS = [
    "现在{t}和{u}都很突出，群众意见很大。",
    "{u}方面也存在不少困难，希望统筹考虑。",
    "建议参考其他城市的做法，把{t}和{u}结合起来。",
    "去年{n}月以来情况越来越严重，影响了{n}百多户居民。",
    "相关部门互相推诿，{u}至今没有解决。",
    "费用从{n}00元涨到{m}00元，负担太重。",
    "能否公开{t}的具体标准和办理流程？",
    "这关系到每个家庭的切身利益。",
    "落实{u}需要加大财政投入和监督力度。",
    "请尽快给个答复，谢谢！",
]
LETTERS = [
    "我们是{p}的全体业主，强烈要求尽快启动老旧小区改造和加装电梯工程，小区建成三十年，管网老化，"
    "老人上下楼非常困难，恳请政府把我们小区列入今年的改造计划。",
    "坚决反对在{p}附近建设垃圾焚烧厂，选址距离学校和居民区太近，环评没有公开，"
    "请求有关部门重新论证选址并召开听证会听取居民意见。",
    "建议提高农村基础养老金标准，目前每月一百多元难以维持基本生活，"
    "希望参照城镇职工养老金的调整幅度逐年提高，让农村老人老有所养。",
    "强烈要求{p}解决学位紧张问题，附近新建小区入住了上万户，只有一所小学，"
    "孩子上学要跨区，希望尽快规划新建学校并公开划片方案。",
]


def _edit(rng: random.Random, text: str) -> str:
    out = char_edits(rng, text, (0, 3))
    if rng.random() < 0.4:
        out += f"我住{rng.randint(1, 40)}栋，联系电话139{rng.randint(10**7, 10**8 - 1)}。"
    return out


def generate(n: int, seed: int = 42) -> list[str]:
    """``n`` comment-like texts of 20-200 characters (deterministic for a seed)."""
    import opencc

    rng = random.Random(seed)
    to_trad = opencc.OpenCC("s2t")
    topics = list(TOPICS.values())
    letters = [t.format(p=rng.choice(PLACES)) for t in LETTERS]
    out: list[str] = []
    for _ in range(n):
        if rng.random() < 0.06:
            out.append(_edit(rng, rng.choice(letters))[:200])
            continue
        words = rng.choice(topics)
        t, u = rng.sample(words, 2)
        text = rng.choice(OPENERS) + rng.choice(STANCE).format(p=rng.choice(PLACES), t=t)
        for _ in range(rng.randint(1, 4)):
            text += rng.choice(DETAILS).format(
                t=t, u=rng.choice(words), n=rng.randint(1, 12), m=rng.randint(13, 30)
            )
        if rng.random() < 0.03:
            text = to_trad.convert(text)
        if len(text) > 200:
            text = text[:200]
        if len(text) < 20:
            text += "希望尽快得到解决，谢谢。"
        out.append(text)
    return out


def _peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports KiB, macOS bytes.
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


class RssSampler:
    """Peak resident memory within a phase (ru_maxrss only ever grows over the whole run)."""

    def __init__(self) -> None:
        import threading

        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    @staticmethod
    def rss_mb() -> float:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return 0.0

    def _sample(self) -> None:
        while not self._stop.wait(0.05):
            self.peak = max(self.peak, self.rss_mb())

    def __enter__(self) -> RssSampler:
        self.start = self.rss_mb()
        self.peak = self.start
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def run(n: int) -> dict[str, Any]:
    """Generate, segment (timed against jieba.lcut), digest; return the figures."""
    import jieba

    from worker.analysis.pipeline import ClauseRef, DigestDoc, build_digest, intern_all
    from worker.analysis.segment import Segmenter

    texts = generate(n)
    segmenter = Segmenter()  # dictionary load is intake start-up, not per-comment work
    t = time.perf_counter()
    tokens = segmenter.tokens_many(texts)
    segment_seconds = time.perf_counter() - t

    jieba.setLogLevel(60)
    jieba.initialize()
    t = time.perf_counter()
    for text in texts:
        jieba.lcut(text)
    jieba_seconds = time.perf_counter() - t

    start = datetime(2025, 1, 1)
    # A digest reads stored tokens back, interned as the digest service does (one string per
    # distinct token instead of one per occurrence); the intake lists are dropped.
    docs = [
        DigestDoc(
            id=i + 1, tokens=intern_all(tok), text=text, created_at=start + timedelta(minutes=i)
        )
        for i, (tok, text) in enumerate(zip(tokens, texts, strict=True))
    ]
    del tokens
    clauses = [
        ClauseRef(id=k + 1, label=f"第{k + 1}条", tokens=segmenter.tokens("，".join(words)))
        for k, words in enumerate(TOPICS.values())
    ]
    t, cpu = time.perf_counter(), time.process_time()
    with RssSampler() as rss:
        result = build_digest(docs, clauses=clauses, seed=0)
    digest_seconds = time.perf_counter() - t
    # CPU time of this process: the figure to compare when other jobs share the machine.
    digest_cpu_seconds = time.process_time() - cpu
    return {
        "n": n,
        "segment_seconds": round(segment_seconds, 3),
        "segment_speedup_vs_jieba": round(jieba_seconds / segment_seconds, 2),
        "digest_seconds": round(digest_seconds, 3),
        "digest_cpu_seconds": round(digest_cpu_seconds, 3),
        "peak_rss_mb": round(_peak_rss_mb(), 1),
        # Memory of the digest itself: the process already holds the N texts, their tokens
        # and both segmenters' dictionaries when it starts.
        "digest_start_rss_mb": round(rss.start, 1),
        "digest_peak_rss_mb": round(rss.peak, 1),
        "engine": segmenter.engine_name,
        "jieba_seconds": round(jieba_seconds, 3),
        "themes": result.stats["themes"],
        "issues": result.stats["issues"],
        "campaigns": result.stats["campaigns"],
        "digest_steps": result.stats["seconds"],
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=10_000)
    args = parser.parse_args(argv)
    print(json.dumps(run(args.comments), ensure_ascii=False))


if __name__ == "__main__":
    main()
