"""The staff-extended policy dictionary; a change re-segments stored comments in the background."""

from __future__ import annotations

import re

from flask_babel import gettext as _
from sqlalchemy import select

from consult.core.jobs import outbox, tasks
from consult.core.models import User, UserWord
from consult.core.web.errors import ServiceError
from consult.extensions import db
from consult.plans.intake import dictionary_version

WORD = re.compile(r"^[\u4e00-\u9fffA-Za-z0-9·\-]{2,20}$")


def _changed() -> None:
    db.session.flush()
    outbox.add(tasks.RESEGMENT_ALL, dictionary_version())


def add_word(word: str, user: User) -> UserWord:
    from worker.analysis.normalise import to_simplified

    word = to_simplified((word or "").strip())
    if not WORD.match(word):
        raise ServiceError(_("词语应为 2 到 20 个汉字、字母或数字，不含空格和标点。"))
    if db.session.scalar(select(UserWord).where(UserWord.word == word)) is not None:
        raise ServiceError(_("“%(w)s”已在词典中。", w=word), 409)
    entry = UserWord(word=word, created_by_id=user.id)
    db.session.add(entry)
    _changed()
    return entry


def remove_word(word_id: int) -> None:
    entry = db.session.get(UserWord, word_id)
    if entry is None:
        raise ServiceError(_("词典中没有这个词。"), 404)
    db.session.delete(entry)
    _changed()


def words() -> list[UserWord]:
    return list(db.session.scalars(select(UserWord).order_by(UserWord.word)))
