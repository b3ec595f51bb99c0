"""Group labels name the topic, not the way people phrase opinions."""

from datetime import UTC, datetime

from worker.analysis.describe import GENERIC_OPINION_WORDS
from worker.analysis.pipeline import DigestDoc, build_digest
from worker.analysis.segment import Segmenter

TEXTS = [
    "建议增开早高峰公交线路，公交车太挤",
    "希望公交线路延伸到新区，公交站点太少",
    "建议尽快解决学校周边停车难问题",
    "希望学校周边增设临时停车位，接送孩子停车难",
]


def test_labels_and_top_keywords_are_not_generic_opinion_words() -> None:
    segmenter = Segmenter()
    docs = [
        DigestDoc(id=i, tokens=segmenter.tokens(f"{TEXTS[i % 4]}，第{i}次反映"), text=TEXTS[i % 4], created_at=datetime(2026, 11, 1, tzinfo=UTC))
        for i in range(40)
    ]
    result = build_digest(docs)
    for theme in result.themes:
        assert theme.label not in GENERIC_OPINION_WORDS
        assert theme.keywords[0] not in GENERIC_OPINION_WORDS
        for issue in theme.issues:
            assert issue.label not in GENERIC_OPINION_WORDS
