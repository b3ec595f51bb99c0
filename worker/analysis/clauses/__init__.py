"""Clause structure of Chinese draft plans, and mapping of comments onto clauses.

`split_clauses` turns the body of a 征求意见稿 into a tree of `Clause` objects
following the numbering conventions of Chinese policy documents:

    第一编 > 第一章 > 第一节 > 第一条 > 一、 > （一） > 1. > （1） > ①

plus inline enumerations (一是……二是……, 第一，……第二，……) which become
sub-clauses of the clause whose text holds them. Simplified and traditional
characters (条/條, 节/節, 编/編) are treated alike.

The split never loses text: concatenating number + title + text of every clause
in `flatten` order gives back every non-whitespace character of the body.

`map_to_clauses` assigns free comments (pre-segmented tokens, optional raw text)
to the clause they most likely address: explicit references such as "第三条"
win, otherwise TF-IDF cosine similarity decides.

Pure Python: no Flask, Celery or SQLAlchemy here.

Modules: ``numbers`` (numerals), ``structure`` (``split_clauses``, ``flatten``),
``references`` (designations cited in comments, hierarchical chains) and ``mapping``
(``map_to_clauses``).
"""

from .mapping import clause_paths, map_to_clauses, resolve_chain
from .numbers import cn_to_int
from .references import ClauseRef, compatible, find_reference_chains, find_references, parse_label
from .structure import Clause, flatten, split_clauses

__all__ = [
    "Clause",
    "ClauseRef",
    "cn_to_int",
    "compatible",
    "find_reference_chains",
    "find_references",
    "flatten",
    "clause_paths",
    "map_to_clauses",
    "resolve_chain",
    "parse_label",
    "split_clauses",
]
