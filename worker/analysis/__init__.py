"""Text analysis for opinion digests: pure Python, no web, queue or database imports.

Modules: ``normalise`` (analysis copy of a text, personal-data masking), ``segment``
(jieba-compatible segmentation done once at intake), ``campaigns`` (form letters and
near-duplicates), ``stance`` (support / oppose / suggestion / question), ``describe``
(labels, keywords and representatives of a group), ``pipeline`` (``build_digest``),
plus ``vectorise``/``cluster``/``evaluate`` and ``clauses`` written alongside.
"""
