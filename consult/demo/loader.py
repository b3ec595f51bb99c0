"""Demo content: three draft plans with a few hundred varied comments; loading twice changes nothing."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from importlib import resources

from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from consult.core.jobs import outbox, tasks
from consult.core.models import User
from consult.core.text import search_terms
from consult.demo import channels as demo_channels
from consult.demo import evaluation as evaluation_demo
from consult.demo import experts as experts_demo
from consult.demo import ledger as ledger_demo
from consult.demo import surveys as surveys_demo
from consult.demo.comments import generate_comments
from consult.demo.forums import THREADS
from consult.extensions import db
from consult.forums import operations as forums
from consult.forums.models import Board, Post, PostVote, Thread
from consult.plans.models import Comment, CommentStatus, CommentVote, Plan, PlanVersion
from consult.plans.operations import build_clauses, department_named
from consult.responses import publications
from consult.responses.models import FeedbackReport, Response

# Windows of the demo plans, relative to today: one closing soon, one fresh, one already closed.
SCHEDULE = {0: (25, 30), 1: (3, 30), 2: (40, 30)}
COMMENTS_PER_PLAN = 150


def _plan_files() -> list[tuple[dict, str]]:
    folder = resources.files("consult.demo") / "plans"
    items = []
    for meta_file in sorted(p for p in folder.iterdir() if p.name.endswith(".json")):
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
        body = (folder / meta_file.name.replace(".json", ".txt")).read_text(encoding="utf-8")
        items.append((meta, body))
    return items


def _demo_users(count: int) -> list[User]:
    users = []
    password = generate_password_hash("demo-password-not-for-login")
    for i in range(count):
        email = f"demo{i:03d}@demo.invalid"
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            user = User(email=email, password_hash=password, pseudonym=f"网友{1000 + i}", verified_at=datetime.now(UTC))
            db.session.add(user)
        users.append(user)
    db.session.flush()
    return users


def _demo_votes(comment: Comment, users: list[User], i: int) -> None:
    voters = [users[(i * 7 + k) % len(users)] for k in range(1, 1 + (i * 5) % 9)]
    for k, voter in enumerate(voters):
        if voter.id != comment.user_id:
            db.session.add(CommentVote(comment_id=comment.id, user_id=voter.id, value=-1 if k % 4 == 3 else 1))
    db.session.flush()
    comment.support_count = sum(1 for k, v in enumerate(voters) if v.id != comment.user_id and k % 4 != 3)
    comment.oppose_count = sum(1 for k, v in enumerate(voters) if v.id != comment.user_id and k % 4 == 3)


def load(now: datetime | None = None) -> dict[str, int]:

    now = now or datetime.now(UTC)
    created_plans = created_comments = 0
    users = _demo_users(60)
    for index, (meta, body) in enumerate(_plan_files()):
        if db.session.scalar(select(Plan).where(Plan.demo_key == meta["key"])) is not None:
            continue
        opened_days_ago, window = SCHEDULE.get(index, (5, 30))
        plan = Plan(
            title=meta["title"],
            department=department_named(meta.get("department", "")),
            summary=meta.get("summary", ""),
            window_days=window,
            published=True,
            opens_at=now - timedelta(days=opened_days_ago),
            closes_at=now - timedelta(days=opened_days_ago) + timedelta(days=window),
            demo_key=meta["key"],
        )
        plan.versions.append(PlanVersion(number=1, body=body, created_at=plan.opens_at))
        db.session.add(plan)
        db.session.flush()
        version = plan.versions[0]
        build_clauses(version)
        plan.search_terms = search_terms(f"{plan.title} {plan.summary} {body}")
        # Numbers like （一） repeat under different parents; keys ("2.1") are unique per version.
        by_key = {c.key: c.id for c in version.clauses}
        for i, item in enumerate(generate_comments(meta["key"], list(by_key), COMMENTS_PER_PLAN, seed=index + 1)):
            user = users[i % len(users)]
            created = now - timedelta(days=min(item.days_ago, opened_days_ago), minutes=i)
            comment = Comment(
                plan_id=plan.id,
                version_id=version.id,
                clause_id=by_key.get(item.clause_number) if item.clause_number else None,
                user_id=user.id,
                body=item.text,
                author_label=getattr(item, "pseudonym", "") or user.pseudonym,
                status=CommentStatus.PUBLISHED,
                created_at=created,
                search_terms=search_terms(item.text),
            )
            db.session.add(comment)
            db.session.flush()
            _demo_votes(comment, users, i)
            outbox.add(tasks.SEGMENT_COMMENT, comment.id)
            created_comments += 1
        created_plans += 1
    created_posts = _demo_forums(users, now)
    channels = demo_channels.load(now, users)

    survey_responses = surveys_demo.load(now)
    feedback_published = _demo_feedback(now)
    ledger = ledger_demo.load(now)  # before the experts: their scores attach to these tasks
    expert_review = experts_demo.load(now)
    evaluation = evaluation_demo.load(now)  # after the ledger and the experts: their tasks and scores are its evidence
    return {**ledger, **expert_review, "plans_created": created_plans, "comments_created": created_comments, "forum_posts_created": created_posts, "survey_responses_created": survey_responses, **channels, "feedback_published": feedback_published, **evaluation}


def _demo_forums(users: list[User], now: datetime) -> int:
    """A few living threads on the plans' boards and the domain boards; a thread already there is skipped."""

    boards = {b.domain: b for b in forums.domain_boards()}
    for plan in db.session.scalars(select(Plan).where(Plan.demo_key.is_not(None))):
        boards[plan.demo_key] = forums.plan_board(plan)
    created = 0
    for key, threads in THREADS.items():
        board: Board | None = boards.get(key)
        if board is None:
            continue
        for t, (title, opening, replies) in enumerate(threads):
            if db.session.scalar(select(Thread.id).where(Thread.board_id == board.id, Thread.title == title)):
                continue
            author = users[(len(key) * 7 + t) % len(users)]
            start = now - timedelta(days=2 + t, hours=len(replies))
            thread = Thread(board_id=board.id, user_id=author.id, title=title, author_label=author.pseudonym, created_at=start, last_post_at=start)
            db.session.add(thread)
            db.session.flush()
            opener = Post(thread_id=thread.id, user_id=author.id, is_opener=True, body=opening, author_label=author.pseudonym,
                          created_at=start, search_terms=search_terms(f"{title} {opening}"))
            db.session.add(opener)
            db.session.flush()
            posts = [opener]
            for r, (text, nested) in enumerate(replies):
                who = users[(t * 5 + r * 3 + 11) % len(users)]
                top = Post(thread_id=thread.id, user_id=who.id, body=text, author_label=who.pseudonym,
                           created_at=start + timedelta(hours=r + 1), search_terms=search_terms(text))
                db.session.add(top)
                db.session.flush()
                posts.append(top)
                for n, answer in enumerate(nested):
                    other = users[(t * 5 + r * 3 + n + 23) % len(users)]
                    posts.append(Post(thread_id=thread.id, user_id=other.id, parent_id=top.id, body=answer, author_label=other.pseudonym,
                                      created_at=top.created_at + timedelta(minutes=30 + n), search_terms=search_terms(answer)))
            db.session.add_all(posts)
            db.session.flush()
            thread.last_post_at = max(p.created_at for p in posts)
            for k, post in enumerate(posts):
                voters = {users[(post.id * 13 + v) % len(users)] for v in range((len(title) + k * 3) % 7)}
                db.session.add_all(PostVote(post_id=post.id, user_id=v.id) for v in voters if v.id != post.user_id)
                db.session.flush()
                post.support_count = db.session.scalar(select(func.count(PostVote.id)).where(PostVote.post_id == post.id)) or 0
            for post in posts:
                forums.mirror_post(post, board)
            forums.recount_thread(thread)
            created += len(posts)
    return created


def _stances(plan: Plan) -> dict[str, str]:
    """The stance the generator gave each comment text of this demo plan (support / oppose / suggest / question)."""
    for index, (meta, _body) in enumerate(_plan_files()):
        if meta["key"] == plan.demo_key:
            keys = [c.key for c in plan.versions[0].clauses]
            return {item.text: item.stance for item in generate_comments(meta["key"], keys, COMMENTS_PER_PLAN, seed=index + 1)}
    return {}


def demo_answer(stance: str, where: str) -> tuple[str, str, str]:
    """An answer that fits the opinion: what was asked for and where (the clause it is on)."""
    if stance == "support":
        return "covered", f"感谢您的支持。{where}已作此规定，我们将抓好落实并跟踪实施效果。", ""
    if stance == "oppose":
        return ("not_adopted", f"暂不采纳。您对{where}的担心我们已认真研究。",
                f"{where}的规定经测算总体可行；实施中将跟踪评估您担心的问题，必要时再作调整。")
    if stance == "question":
        return "partly", f"部分采纳。您对{where}提出的疑问，将在配套实施细则中予以明确。", ""
    return "adopted", f"已采纳。修订稿{where}已吸收您的建议，相关表述作了完善。", ""


def _demo_feedback(now: datetime) -> int:
    """The closed demo plan gets answers, a revised version and a published feedback report (once)."""

    closed = [p for p in db.session.scalars(select(Plan).where(Plan.demo_key.is_not(None))) if p.closes_at and p.closes_at <= now]
    published = 0
    for plan in closed:
        if db.session.scalar(select(FeedbackReport).where(FeedbackReport.plan_id == plan.id)) is not None:
            continue
        base = plan.versions[0]
        comments = list(db.session.scalars(select(Comment).where(Comment.plan_id == plan.id).order_by(Comment.id)))
        stances = _stances(plan)
        for i, comment in enumerate(comments):
            if i % 7 == 6 or comment.body not in stances:
                continue  # some opinions stay unanswered, as in real life
            where = f"{comment.clause.label}" if comment.clause is not None else "方案"
            status, text, reason = demo_answer(stances[comment.body], where)
            db.session.add(Response(comment_id=comment.id, plan_id=plan.id, status=status, text=text, reason=reason, created_at=now, updated_at=now))
        lines = base.body.splitlines()
        filled = [k for k, line in enumerate(lines) if len(line.strip()) > 20]
        touched = set(filled[2:6:3])  # two substantive paragraphs get a revision
        changed = [line.replace("，", "，并", 1) + "（根据公众意见修订：明确责任单位和完成时限。）" if k in touched else line for k, line in enumerate(lines)]
        revised = PlanVersion(number=base.number + 1, body="\n".join(changed), note="根据公众意见修订", created_at=now)
        plan.versions.append(revised)
        db.session.flush()
        build_clauses(revised)
        plan.search_terms = search_terms(f"{plan.title} {plan.summary} {revised.body}")  # search finds the current text
        db.session.add(FeedbackReport(plan_id=plan.id, summary="感谢社会各界的意见建议。现将采纳情况反馈如下。", from_version_id=base.id, to_version_id=revised.id, published_at=now))
        db.session.flush()
        publications.ensure_first(plan, commit=False)  # its version 1, stored as the public page shows it
        published += 1
    db.session.flush()
    return published
