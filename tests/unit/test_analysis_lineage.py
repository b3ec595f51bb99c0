"""Issue identity across digest versions: new, grown, merged, same, split."""

from worker.analysis.lineage import compare, match_issues
from worker.analysis.results import Change, DigestResult, Issue, Theme


def test_marks_from_member_overlap() -> None:
    previous = [("D1-T1-I1", range(1, 11)), ("D1-T1-I2", range(11, 16)), ("D1-T2-I1", range(16, 21)), ("D1-T2-I2", range(21, 41))]
    current = [
        ("D2-T1-I1", [*range(1, 11), 50, 51, 52]),  # I1 plus three new comments
        ("D2-T1-I2", [*range(11, 21)]),  # two previous issues together
        ("D2-T2-I1", [*range(60, 70)]),  # nothing seen before
        ("D2-T2-I2", [*range(21, 28)]),  # a third of a bigger issue broke away
        ("D2-T2-I3", [*range(28, 41)]),  # the rest of it, about as big as before
    ]
    got = {x.ref: x for x in match_issues(current, previous)}
    assert got["D2-T1-I1"].mark == "grown" and got["D2-T1-I1"].previous == ["D1-T1-I1"]
    assert got["D2-T1-I2"].mark == "merged" and set(got["D2-T1-I2"].previous) == {"D1-T1-I2", "D1-T2-I1"}
    assert got["D2-T2-I1"].mark == "new" and got["D2-T2-I1"].previous == []
    assert got["D2-T2-I2"].mark == "split" and got["D2-T2-I2"].previous == ["D1-T2-I2"]
    assert got["D2-T2-I3"].mark == "same" and got["D2-T2-I3"].previous == ["D1-T2-I2"]


def test_no_previous_digest_means_everything_is_new() -> None:
    assert [x.mark for x in match_issues([("D1-T1-I1", [1, 2])], [])] == ["new"]


def _issue(label: str, members: list[int], keywords: list[str] | None = None) -> Issue:
    return Issue(
        label=label,
        keywords=keywords or [label],
        size=len(members),
        share=0.0,
        representative_ids=[],
        representative_texts=[],
        stance_counts={},
        clause_counts={},
        member_ids=members,
    )


def _result(*issues: Issue) -> DigestResult:
    return DigestResult(themes=[Theme(label="t", keywords=[], size=0, share=0.0, representative_ids=[],
                                      representative_texts=[], stance_counts={}, clause_counts={},
                                      member_ids=[], issues=list(issues))])  # fmt: skip


def test_stored_change_follows_the_same_marks() -> None:
    previous = _result(
        _issue("电梯", list(range(0, 20))),
        _issue("停车", list(range(20, 30))),
        _issue("补贴", list(range(30, 40))),
        _issue("噪音", list(range(40, 45))),
    )
    current = _result(
        _issue("电梯", list(range(0, 20)) + list(range(100, 110))),  # grown
        _issue("停车和补贴", list(range(20, 40))),  # two previous issues merged
        _issue("养老", list(range(200, 210)), ["养老金"]),  # new
    )
    counts = compare(current, previous)
    changes = [i.change for _, _, i in current.issues()]
    assert [c.status for c in changes] == ["grown", "merged", "new"]
    assert isinstance(changes[1], Change) and len(changes[1].merged_labels) == 1
    assert changes[1].previous_size == 20
    assert counts == {"new": 1, "grown": 1, "merged": 1, "split": 0, "shrunk": 0, "stable": 0, "gone": 1}




def test_a_continued_issue_that_lost_comments_is_shrunk() -> None:
    previous = _result(_issue("电梯", list(range(0, 20))))
    current = _result(_issue("电梯", list(range(0, 12))))
    assert compare(current, previous)["shrunk"] == 1
    change = current.themes[0].issues[0].change
    assert change is not None and change.previous_label == "电梯" and change.delta == -8
