"""Fingerprint of the latest done digest in a database: the whole result dict (timings and the
worker's name left out) and every stored row (digest_theme, digest_issue, digest_issue_comment,
digest_view; own ids left out, a membership row named by its issue's position). Two builds whose
output is identical print the same hashes; ``--dump FILE`` writes the result dict as JSON to diff.

    python benchmarks/digest_fingerprint.py --database perf_100k [--dump /tmp/result.json]
"""

from __future__ import annotations

import argparse
import hashlib
import json

import psycopg

VOLATILE = ("seconds", "total_seconds", "worker", "load_seconds", "loaded_seconds")


def _hash(rows: object) -> str:
    return hashlib.sha256(json.dumps(rows, ensure_ascii=False, sort_keys=True, default=str).encode()).hexdigest()[:16]


def fingerprint(database: str, dump: str | None = None) -> dict[str, object]:
    """Hashes of the latest done digest's result and rows."""
    with psycopg.connect(f"postgresql://postgres@127.0.0.1/{database}") as conn:
        digest_id, result = conn.execute(
            "SELECT id, result FROM digest WHERE status = 'done' ORDER BY finished_at DESC LIMIT 1").fetchone()
        stats = {k: v for k, v in result.get("stats", {}).items() if k not in VOLATILE}
        stable = {**result, "stats": stats}
        if dump:
            with open(dump, "w", encoding="utf-8") as out:
                json.dump(stable, out, ensure_ascii=False, sort_keys=True, default=str)
        themes = conn.execute("SELECT position, label, raw_label, size, share, stance_counts::text, keywords::text "
                              "FROM digest_theme WHERE digest_id = %s ORDER BY position", (digest_id,)).fetchall()
        issues = conn.execute("SELECT theme_position, position, ref, label, raw_label, summary, size, share, stance_counts::text, "
                              "keywords::text, clauses::text, campaigns::text, quotes::text, lineage::text "
                              "FROM digest_issue WHERE digest_id = %s ORDER BY theme_position, position", (digest_id,)).fetchall()
        members = conn.execute("SELECT i.theme_position, i.position, m.rank, m.comment_id, m.clause_id, m.confidence "
                               "FROM digest_issue_comment m JOIN digest_issue i ON i.id = m.issue_id "
                               "WHERE m.digest_id = %s ORDER BY 1, 2, 3", (digest_id,)).fetchall()
        view = conn.execute("SELECT threshold, total, whole_plan, per_clause::text, campaigns::text FROM digest_view "
                            "WHERE digest_id = %s", (digest_id,)).fetchall()
    return {"digest_id": digest_id, "result": _hash(stable), "themes": _hash(themes), "issues": _hash(issues),
            "members": _hash(members), "member_rows": len(members), "view": _hash(view),
            "seconds": result.get("stats", {}).get("seconds")}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", required=True)
    parser.add_argument("--dump")
    args = parser.parse_args()
    print(json.dumps(fingerprint(args.database, args.dump)))


if __name__ == "__main__":
    main()
