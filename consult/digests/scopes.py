"""Digest scopes: what a digest covers. A `Scope` loads its documents, finds the previous digest
of the same scope and key, and names and links a digest for pages; scopes register themselves by
name at import time (the digest engine looks them up and imports no feature)."""

from __future__ import annotations

from typing import Any, ClassVar

from sqlalchemy import select

from consult.digests.models import Digest, DigestStatus
from consult.extensions import db


class Scope:
    """One kind of digest. Subclasses set `name` and implement `load`, `label` and `url`."""

    name: ClassVar[str]

    def load(self, digest: Digest, segmenter: Any) -> tuple[list[Any], list[Any]]:
        """The digest's documents up to `digest.last_comment_id` and the clauses to map them to
        (`worker.analysis.pipeline.DigestDoc`, `ClauseRef`); may cache tokens on the rows."""
        raise NotImplementedError

    def previous(self, digest: Digest) -> Digest | None:
        """The newest finished digest of the same documents before this one (keeps labels stable)."""
        return db.session.scalar(
            select(Digest)
            .where(
                Digest.scope == digest.scope,
                Digest.scope_key == digest.scope_key,
                Digest.plan_id.is_(None) if digest.plan_id is None else Digest.plan_id == digest.plan_id,
                Digest.sources_key == digest.sources_key,
                Digest.status == DigestStatus.DONE,
                Digest.id != digest.id,
            )
            .order_by(Digest.last_comment_id.desc(), Digest.id.desc())
        )

    def label(self, digest: Digest) -> str:
        """What the digest covers, for a person ("《方案》", "经济 2026-01-01 — 2026-06-30")."""
        raise NotImplementedError

    def url(self, digest: Digest) -> str:
        """The staff page that shows the digest."""
        raise NotImplementedError


_SCOPES: dict[str, Scope] = {}


def register(scope: Scope) -> Scope:
    """Make a scope known to the engine; registering one name twice is a programming error."""
    known = _SCOPES.get(scope.name)
    if known is not None and type(known) is not type(scope):
        raise ValueError(f"digest scope {scope.name!r} is already registered by {type(known).__name__}")
    _SCOPES[scope.name] = scope
    return scope


def get(name: str) -> Scope:
    try:
        return _SCOPES[name]
    except KeyError:
        raise LookupError(f"no digest scope registered as {name!r} (is its module imported by the app?)") from None


def names() -> list[str]:
    return sorted(_SCOPES)
