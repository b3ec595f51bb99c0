"""Issue identity across digest versions: new, grown, merged, same, split."""

from worker.analysis.lineage import match_issues


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
