"""Every staff and admin route checks the role and the department.

The walk covers every rule under /staff and /admin in ``app.url_map``: an anonymous visitor is sent
to the login page, a citizen gets 403, and a department user of ANOTHER department gets 403/404 on
every route that names an object of department A (changing the id in the URL does not help).

Extending after a merge (forums, hearings, surveys …): a new URL variable needs a maker in
``OBJECTS`` (an id that belongs to department A); a new route without object ids needs its
endpoint in ``ROLE_ONLY`` (department users refused outright) or ``DEPARTMENT_GENERAL`` (they may
use it, scoped to their department). The test fails and says so when a route is unclassified.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from flask import Flask

from tests.conftest import csrf_from, login

PREFIXES = ("/staff", "/admin")

# URL variable → how to get a value that belongs to department A (from the objects made below).
OBJECTS: dict[str, Callable[[dict], object]] = {
    "plan_id": lambda o: o["plan"],
    "clause_id": lambda o: o["clause"],
    "digest_id": lambda o: o["digest"],
    "comment_id": lambda o: o["comment"],
    "word_id": lambda o: o["word"],
    "user_id": lambda o: o["user"],
    "department_id": lambda o: o["department"],
    "theme": lambda o: 0,
    "issue": lambda o: 0,
    "kind": lambda o: "xlsx",
    "object_id": lambda o: o["comment"],  # 显示原文 of department A's comment
    "template_id": lambda o: o["template"],
    "survey_id": lambda o: o["survey"],
    "ticket_id": lambda o: o["ticket"],
    "expert_id": lambda o: o["expert"],
    "conflict_id": lambda o: o["conflict"],
    "invitation_id": lambda o: o["invitation"],
    "document_id": lambda o: o["decision_document"],  # a decision-step document of department A's plan
    "task_id": lambda o: o["task"],  # a reform task department A leads
    "report_id": lambda o: o["report"],
    "record_id": lambda o: o["supervision"],
    "milestone_id": lambda o: o["milestone"],
    "attachment_id": lambda o: o["attachment"],
    "dept_id": lambda o: o["department"],  # evaluation: a department's scorecard
    "indicator_id": lambda o: o["indicator"],
    "evaluation_id": lambda o: o["evaluation"],
}
# Variables that are not department objects (the route is refused by role, or they select a format).
NOT_OBJECTS = {"word_id", "user_id", "department_id", "theme", "issue", "kind", "expert_id", "conflict_id", "invitation_id", "indicator_id", "evaluation_id"}

# Routes only office staff and/or admins may use: department users get 403 whatever the ids.
ROLE_ONLY = {
    "staff.dictionary_page", "staff.dictionary_delete",
    "moderation.words", "moderation.delete_word",
    "admin.departments", "admin.rename_department", "admin.users", "admin.set_role", "admin.audit_log", "admin.audit_export",
    # The expert pool is the office's: departments never choose or see the experts reviewing them.
    "expert_pool.index", "expert_pool.create", "expert_pool.profile", "expert_pool.add_conflict", "expert_pool.remove_conflict",
    "expert_pool.resend_welcome", "expert_pool.withdraw", "expert_pool.evaluations", "expert_pool.invite_to_task",
    "ledger.new", "ledger.import_sheet",  # the office keeps the ledger; departments report on their tasks
    # evaluation: the office's ranking, indicators, third-party evaluations, publishing and the 年报
    "evaluation.overview", "evaluation.indicators", "evaluation.edit_indicator", "evaluation.delete_indicator", "evaluation.add_score",
    "evaluation.publish", "evaluation.annual_export", "evaluation.third_party", "evaluation.assign", "evaluation.import_evaluations",
    "evaluation.review", "evaluation.office_report",
}
# Routes department users may use without an object id: the results are scoped to their department.
DEPARTMENT_GENERAL = {
    "staff.index", "staff.new_plan", "moderation.queue",
    "surveys.index", "surveys.new", "surveys.scorecard", "surveys.ticket_list", "responses.create_template",
    "surveys.builder_preview",  # renders a posted definition; reads no survey, so nothing of another department
    "ledger.index", "ledger.major",  # lists scoped to the tasks the department leads or co-operates on
    "evaluation.mine",  # redirects a department account to its own scorecard
}
# POST forms that carry department objects in their body rather than the URL.
FORM_OBJECTS: dict[str, Callable[[dict], dict]] = {
    "moderation.decide": lambda o: {"ids": [str(o["comment"])], "action": "approve"},
}


def _objects(app: Flask, make_plan: Callable[..., int]) -> dict:
    from consult.core.models import Department, User, UserWord
    from consult.digests.models import Digest
    from consult.extensions import db
    from consult.moderation.models import SensitiveWord
    from consult.plans.models import Comment, Plan
    from consult.responses.models import AnswerTemplate

    plan_id = make_plan(department="部门甲", moderation="pre")
    with app.app_context():
        plan = db.session.get(Plan, plan_id)
        version = plan.current_version
        comment = Comment(plan_id=plan.id, version_id=version.id, body="甲部门方案的意见", status="pending", created_at=datetime.now(UTC))
        digest = Digest(plan_id=plan.id)
        word = UserWord(word="放管服")
        sensitive = SensitiveWord(word="违禁词", folded="违禁词")
        template = AnswerTemplate(title="甲部门模板", status="adopted", text="采纳", department_id=plan.department_id)
        db.session.add_all([comment, digest, word, sensitive, template])
        db.session.commit()
        user = db.session.query(User).filter(User.role == "staff").first()
        survey, ticket = _survey_with_ticket(user, plan.department.name)
        experts = _expert_objects(plan, user)
        ledger = _ledger_objects(plan)
        _task, indicator, evaluation = _evaluation_objects(plan)
        return {**experts, **ledger, "indicator": indicator, "evaluation": evaluation,
            "plan": plan.id, "clause": version.clauses[0].id, "digest": digest.id, "comment": comment.id,
            "word": word.id, "sensitive": sensitive.id, "template": template.id, "user": user.id, "department": plan.department_id,
            "department_count": db.session.query(Department).count(),
            "survey": survey, "ticket": ticket,
        }


def _expert_objects(plan, staff) -> dict:  # type: ignore[no-untyped-def]
    """An expert with a conflict, invited to department A's plan, and a decision-step document of that plan."""
    from datetime import date

    from consult.experts import pool
    from consult.experts.models import ExpertConflict, ExpertInvitation
    from consult.extensions import db
    from consult.plans.models import DecisionDocument, DecisionStep

    expert = pool.create_expert(staff, "walk-expert@example.com", pool.Profile(name="巡检专家", fields=("law",)))
    conflict = ExpertConflict(expert_id=expert.id, department_id=plan.department_id, note="")
    invitation = ExpertInvitation(expert_id=expert.id, plan_id=plan.id, deadline=date(2099, 1, 1), conflict_override="测试")
    step = DecisionStep(plan_id=plan.id, kind="legality_review", outcome="甲部门的审查")
    step.documents.append(DecisionDocument(filename="a.pdf", content_type="application/pdf", size=4, data=b"%PDF"))
    db.session.add_all([conflict, invitation, step])
    db.session.commit()
    return {"expert": expert.id, "conflict": conflict.id, "invitation": invitation.id, "decision_document": step.documents[0].id}


def _ledger_objects(plan) -> dict:  # type: ignore[no-untyped-def]
    """A reform task department A leads, with a milestone, a report with an attachment and a supervision record."""
    from datetime import date

    from consult.extensions import db
    from consult.ledger.models import (
        Milestone,
        ProgressReport,
        ReformTask,
        ReportAttachment,
        SupervisionRecord,
    )

    task = ReformTask(title="甲部门的改革任务", year=2026, plan_id=plan.id, lead_department_id=plan.department_id)
    task.milestones.append(Milestone(title="节点", due_on=date(2026, 6, 1)))
    report = ProgressReport(department_id=plan.department_id, body="甲部门的进展", progress=10)
    report.attachments.append(ReportAttachment(filename="a.txt", content_type="text/plain", size=1, data=b"a"))
    task.reports.append(report)
    db.session.add(task)
    db.session.flush()
    record = SupervisionRecord(task_id=task.id, visited_on=date(2026, 5, 1), findings="甲部门的督察")
    db.session.add(record)
    db.session.commit()
    return {"task": task.id, "report": report.id, "supervision": record.id, "milestone": task.milestones[0].id, "attachment": report.attachments[0].id}


def _survey_with_ticket(author, department: str) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """A published survey of department A with one answer that opened a service ticket."""
    from datetime import date

    from consult.extensions import db
    from consult.surveys import building as surveys_build
    from consult.surveys.models import ServiceTicket, SurveyAnswer, SurveyResponse

    spec = {"questions": [{"key": "q1", "type": "rating", "title": "满意吗", "required": True}]}
    survey = surveys_build.create(author, title="甲部门问卷", description="", department=department, service="窗口",
                                  plan_id=None, anonymous=False, mode="invite", opens_at=None, closes_at=None, spec=spec)
    version = surveys_build.publish(author, survey)
    today = date.today()
    response = SurveyResponse(survey_id=survey.id, version_id=version.id, submitted_on=today, month=today.strftime("%Y-%m"))
    db.session.add(response)
    db.session.flush()
    answer = SurveyAnswer(response_id=response.id, question_id=version.questions[0].id, value=1.0, text="太慢")
    db.session.add(answer)
    db.session.flush()
    ticket = ServiceTicket(survey_id=survey.id, department_id=survey.department_id, answer_id=answer.id, rating="1", reason="太慢",
                           opened_on=today, due_on=today)
    db.session.add(ticket)
    db.session.commit()
    return survey.id, ticket.id


def _evaluation_objects(plan) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    """A reform task led by department A, an indicator and a third-party evaluation of that task."""
    from consult.evaluation.models import Indicator, ThirdPartyEvaluation
    from consult.extensions import db
    from consult.ledger.models import ReformTask

    task = ReformTask(code="A-1", title="甲部门改革任务", year=2026, lead_department_id=plan.department_id, plan_id=plan.id)
    indicator = Indicator(year=2026, name="人工评分", kind="manual", weight=10, direction="higher", description="")
    db.session.add_all([task, indicator])
    db.session.flush()
    evaluation = ThirdPartyEvaluation(year=2026, organisation="第三方", scope="task", task_id=task.id, status="submitted", score=80, distribution={})
    db.session.add(evaluation)
    db.session.commit()
    return task.id, indicator.id, evaluation.id


# Blueprints whose staff routes have their own walk, with their own objects.
WALKED_ELSEWHERE = {
    "hearings",  # tests/integration/test_channel_staff_permissions.py
    "suggestions",  # tests/integration/test_channel_staff_permissions.py
}


def _rules(app: Flask) -> list:
    return sorted(
        (r for r in app.url_map.iter_rules() if r.rule.startswith(PREFIXES) and r.endpoint.split(".")[0] not in WALKED_ELSEWHERE),
        key=lambda r: r.rule,
    )


def _url(rule, objects: dict) -> str:  # type: ignore[no-untyped-def]
    values = {}
    for name in rule.arguments:
        assert name in OBJECTS, f"{rule.rule}: add a maker for <{name}> to OBJECTS"
        values[name] = OBJECTS[name](objects)
    if rule.endpoint == "moderation.delete_word":
        values["word_id"] = objects["sensitive"]
    if rule.endpoint == "moderation.show_original":
        values["kind"] = "comment"
    from werkzeug.routing import MapAdapter

    adapter: MapAdapter = rule.map.bind("localhost")
    return adapter.build(rule.endpoint, values)


def _requests(app: Flask, objects: dict):  # type: ignore[no-untyped-def]
    for rule in _rules(app):
        url = _url(rule, objects)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method, url


def _send(client, method: str, url: str, data: dict | None = None):  # type: ignore[no-untyped-def]
    if method == "GET":
        return client.get(url)
    token = csrf_from(client.get("/account/login").get_data(as_text=True))
    return client.open(url, method=method, data={"csrf_token": token, **(data or {})})


def test_every_staff_route_is_classified(app: Flask) -> None:
    for rule in _rules(app):
        object_args = set(rule.arguments) - NOT_OBJECTS
        if not object_args and rule.endpoint not in FORM_OBJECTS:
            assert rule.endpoint in ROLE_ONLY | DEPARTMENT_GENERAL, f"classify {rule.endpoint} ({rule.rule}) in ROLE_ONLY or DEPARTMENT_GENERAL"
        for name in rule.arguments:
            assert name in OBJECTS, f"{rule.rule}: add a maker for <{name}> to OBJECTS"


def test_anonymous_visitors_are_sent_to_login(app: Flask, make_plan) -> None:  # type: ignore[no-untyped-def]
    objects = _objects(app, make_plan)
    client = app.test_client()
    failures = []
    for rule, method, url in _requests(app, objects):
        response = _send(client, method, url)
        if response.status_code != 302 or "/account/login" not in response.headers.get("Location", ""):
            failures.append(f"{method} {url} → {response.status_code}")
    assert not failures, failures


def test_citizens_get_403_everywhere(app: Flask, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    objects = _objects(app, make_plan)
    client = app.test_client()
    _, email, password = make_user()
    login(client, email, password)
    failures = []
    for rule, method, url in _requests(app, objects):
        response = _send(client, method, url, FORM_OBJECTS.get(rule.endpoint, lambda o: {})(objects))
        if response.status_code != 403:
            failures.append(f"{method} {url} → {response.status_code}")
    assert not failures, failures


def test_department_users_cannot_reach_another_departments_items(app: Flask, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    from consult.extensions import db
    from consult.plans.models import Comment, Plan

    objects = _objects(app, make_plan)
    client = app.test_client()
    _, email, password = make_user(role="department", department="部门乙")
    login(client, email, password)
    failures = []
    checked = 0
    for rule, method, url in _requests(app, objects):
        object_route = bool(set(rule.arguments) - NOT_OBJECTS) or rule.endpoint in FORM_OBJECTS
        if rule.endpoint in ROLE_ONLY:
            expected = {403}
        elif object_route:
            expected = {403, 404}
        else:
            continue  # general department pages: scoping is tested on their content elsewhere
        checked += 1
        response = _send(client, method, url, FORM_OBJECTS.get(rule.endpoint, lambda o: {})(objects))
        if response.status_code not in expected:
            failures.append(f"{method} {url} → {response.status_code}")
    assert not failures, failures
    assert checked >= 20
    with app.app_context():  # nothing of department A was changed on the way
        assert db.session.get(Comment, objects["comment"]).status == "pending"
        assert db.session.get(Plan, objects["plan"]).current_version.number == 1
    # And what they may open lists nothing of department A.
    assert "甲部门方案的意见" not in client.get("/staff/moderation/").get_data(as_text=True)
    assert "测试方案" not in client.get("/staff/").get_data(as_text=True)
    assert "甲部门问卷" not in client.get("/staff/surveys/").get_data(as_text=True)


def test_office_staff_cannot_use_admin_pages(app: Flask, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    objects = _objects(app, make_plan)
    client = app.test_client()
    _, email, password = make_user(role="staff")
    login(client, email, password)
    failures = []
    for rule, method, url in _requests(app, objects):
        if rule.rule.startswith("/admin"):
            response = _send(client, method, url)
            if response.status_code != 403:
                failures.append(f"{method} {url} → {response.status_code}")
    assert not failures, failures


def test_experts_and_evaluators_get_403_everywhere(app: Flask, make_user, make_plan) -> None:  # type: ignore[no-untyped-def]
    """Outside accounts (Role.EXPERT, Role.EVALUATOR) have their own spaces; no staff route opens for them."""
    objects = _objects(app, make_plan)
    for role in ("expert", "evaluator"):
        client = app.test_client()
        _, email, password = make_user(role=role)
        login(client, email, password)
        failures = []
        for rule, method, url in _requests(app, objects):
            response = _send(client, method, url, FORM_OBJECTS.get(rule.endpoint, lambda o: {})(objects))
            if response.status_code != 403:
                failures.append(f"{role} {method} {url} → {response.status_code}")
        assert not failures, failures
