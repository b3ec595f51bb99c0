"""Every audit entry the code writes reads as words on the audit page: its action, target and detail keys
have labels (a raw code like ``ledger.report_review`` or ``invitation_id`` shown to staff is a bug)."""

from __future__ import annotations

import re
from pathlib import Path

from consult.core.audit_labels import ACTIONS, KEYS, TARGETS

ROOT = Path(__file__).resolve().parents[2] / "consult"
# audit.record(actor, "action", "target", target_id, key=value, ...): literal codes only; the f-string
# actions (comment.{approve,reject}) are listed in ACTIONS by hand and checked below.
CALL = re.compile(r'audit\.record\(\s*[^,]+,\s*"([a-z_.]+)",\s*"([a-z_]+)"((?:[^()]|\([^()]*\))*)\)', re.S)
NOT_DETAIL = {"department_id"}  # an argument of record() itself, not a detail key


def _calls() -> list[tuple[str, str, set[str]]]:
    found = []
    for path in ROOT.rglob("*.py"):
        for action, target, rest in CALL.findall(path.read_text(encoding="utf-8")):
            keys = set(re.findall(r"\b(\w+)=", rest)) - NOT_DETAIL
            found.append((action, target, keys))
    return found


def test_the_scan_sees_the_audit_calls() -> None:
    assert len({action for action, _, _ in _calls()}) >= 60


def test_every_recorded_action_target_and_detail_key_has_a_label() -> None:
    calls = _calls()
    assert sorted({a for a, _, _ in calls} - ACTIONS.keys()) == []
    assert sorted({t for _, t, _ in calls} - TARGETS.keys()) == []
    assert sorted({k for _, _, keys in calls for k in keys} - KEYS.keys()) == []
    assert {"comment.approve", "comment.reject"} <= ACTIONS.keys()  # written with an f-string in moderation
