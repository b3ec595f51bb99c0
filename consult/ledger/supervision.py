"""The daily supervision sweep: each new flag of a reform task is notified once to the departments
that carry it and to the office (the flags already told are kept in `ReformTask.flag_key`)."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from consult.core import notifications
from consult.core.models import Role, User
from consult.core.web.templating import local_today
from consult.extensions import db
from consult.ledger import flags as rules
from consult.ledger.models import ReformTask
from consult.ledger.queries import department_ids, with_flags


def notify_new_flags(today: date | None = None) -> int:
    """Notifications sent; a flag that clears and comes back is told again."""
    today = today or local_today()
    tasks = list(db.session.scalars(select(ReformTask).where(ReformTask.status.in_(rules.ACTIVE))))
    office = list(db.session.scalars(select(User.id).where(User.role.in_((Role.STAFF, Role.ADMIN)))))
    sent = 0
    for row in with_flags(tasks, today):
        told = set(filter(None, row.task.flag_key.split(",")))
        new = [f for f in row.flags if f not in told]
        row.task.flag_key = ",".join(sorted(row.flags))
        if not new:
            continue
        departments = department_ids(row.task)
        people = set(office)
        if departments:
            people |= set(db.session.scalars(select(User.id).where(User.department_id.in_(departments), User.role == Role.DEPARTMENT)))
        reasons = "、".join(_(rules.LABELS[f]) for f in new)
        sent += notifications.notify_many(sorted(people), "ledger", _("督察预警：%(t)s", t=row.task.title[:60]), reasons, f"/staff/ledger/{row.task.id}")
    db.session.flush()
    return sent
