"""The channel registry: every way an opinion reaches a plan (web, letter, forum, hearing, survey ...).

Each feature registers its own channel in a small `channel`/`sources` module of its package, so a
new channel is one new module plus its registration; digests, imports, moderation, the feedback
workbench and the reports read the list from here instead of spelling it out.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from flask_babel import LazyString


class Hiding(enum.Enum):
    """How a channel's opinion leaves the analysis and comes back."""

    MODERATION = "moderation"  # the comment itself is moderated (queue: reject / approve)
    ORIGIN = "origin"  # a mirrored copy follows its item: plans.mirror.withdraw / restore(origin, id)


@dataclass(frozen=True)
class Channel:
    source: str  # Comment.source
    label: str | LazyString  # zh-CN, shown to staff and in reports
    order: int  # position in lists (web first)
    public: bool  # listed with the plan's public comments (else analysed only: status internal)
    hiding: Hiding
    origins: tuple[str, ...] = ()  # origin_type of mirrored items (Comment.origin_type)
    imported: bool = False  # staff upload records of it (letters, e-mails, hotline notes)
    # Counted in public figures (feedback report tallies, public counts); experts' opinions are not.
    tallied: bool = True


_REGISTRY: dict[str, Channel] = {}


def register(channel: Channel) -> Channel:
    """Add a channel (idempotent for the same definition; a clash of sources is a programming error)."""
    known = _REGISTRY.get(channel.source)
    if known is not None and known != channel:
        raise ValueError(f"channel {channel.source!r} registered twice with different definitions")
    _REGISTRY[channel.source] = channel
    return channel


def all_channels() -> list[Channel]:
    return sorted(_REGISTRY.values(), key=lambda c: c.order)


def get(source: str) -> Channel | None:
    return _REGISTRY.get(source)


def sources() -> tuple[str, ...]:
    return tuple(c.source for c in all_channels())


def labels() -> dict[str, str]:
    """source → label of every registered channel, for templates and exports."""
    return {c.source: str(c.label) for c in all_channels()}


# Opinions read from a file by `consult analyze` carry this source; it is no channel of the site.
FILE_IMPORT = "import"


def label(source: str) -> str:
    """The channel's name for people; never a raw code (a source no channel registered is 其他来源)."""
    channel = _REGISTRY.get(source)
    if channel:
        return str(channel.label)
    return "导入文件" if source == FILE_IMPORT else "其他来源"


def imported() -> list[Channel]:
    return [c for c in all_channels() if c.imported]


def moderated() -> list[Channel]:
    """Channels whose comments go through the moderation queue."""
    return [c for c in all_channels() if c.hiding is Hiding.MODERATION]


def untallied() -> tuple[str, ...]:
    """Sources kept out of every public count and tally (answered and digested all the same)."""
    return tuple(c.source for c in all_channels() if not c.tallied)


def for_origin(origin_type: str) -> Channel | None:
    return next((c for c in _REGISTRY.values() if origin_type in c.origins), None)
