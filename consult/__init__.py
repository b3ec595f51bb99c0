"""Consult: a public consultation platform for reform offices. `create_app` builds the web app."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask

from consult.accounts.views import bp as accounts_bp
from consult.admin.views import bp as admin_bp
from consult.api.public_views import bp as api_data_bp
from consult.api.staff_views import bp as api_staff_bp
from consult.api.staff_views import pages as api_tokens_bp
from consult.api.views import bp as api_bp
from consult.config import load_config
from consult.core import database
from consult.core.jobs import celery, outbox
from consult.core.security import headers as security
from consult.core.security import logmask, permissions
from consult.core.web import converters, errors, forms, languages, templating
from consult.digests.views import bp as digests_bp
from consult.evaluation.staff_views import bp as evaluation_bp
from consult.evaluation.views import bp as evaluator_bp
from consult.experts.staff_views import bp as expert_pool_bp
from consult.experts.views import bp as experts_bp
from consult.extensions import babel, csrf, db, limiter, login_manager, migrate
from consult.forums.views import bp as forums_bp
from consult.hearings.views import bp as hearings_bp
from consult.inbox.views import bp as inbox_bp
from consult.ledger.views import bp as ledger_bp
from consult.main.views import bp as main_bp
from consult.moderation.views import bp as moderation_bp
from consult.moderation.views import public as flags_bp
from consult.plans.staff_views import bp as decisions_bp
from consult.plans.views import bp as plans_bp
from consult.responses.views import bp as responses_bp
from consult.search.views import bp as search_bp
from consult.staff.views import bp as staff_bp
from consult.stats.views import bp as stats_bp
from consult.suggestions.views import bp as suggestions_bp
from consult.surveys.public_views import bp as survey_public_bp
from consult.surveys.staff_views import bp as surveys_bp

PACKAGE = Path(__file__).resolve().parent

# Every feature's blueprint, in the order their routes are matched.
BLUEPRINTS = (main_bp, accounts_bp, plans_bp, search_bp, staff_bp, digests_bp, moderation_bp, flags_bp, inbox_bp, admin_bp, forums_bp, hearings_bp, suggestions_bp, surveys_bp, survey_public_bp, responses_bp, ledger_bp, experts_bp, expert_pool_bp, decisions_bp, api_bp, api_staff_bp, api_data_bp, api_tokens_bp, stats_bp, evaluation_bp, evaluator_bp)


def create_app(config: dict[str, Any] | None = None) -> Flask:
    settings = load_config(config)
    app = Flask(
        __name__,
        instance_path=settings["INSTANCE_PATH"],
        template_folder="templates",
        static_folder="static",
    )
    app.config.update(settings)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    logmask.install()  # personal data masked and CR/LF escaped in every log line

    # First, so malformed bodies are refused before anything (CSRF included) parses the form.
    security.init_app(app)
    converters.init_app(app)
    db.init_app(app)
    database.init_app(app)
    migrate.init_app(app, db, directory=str(PACKAGE / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    forms.link_errors_to_fields()  # invalid fields name their messages (aria-describedby)
    babel.init_app(app, default_locale="zh_CN", locale_selector=languages.select_locale)
    languages.init_app(app)
    limiter.init_app(app)
    errors.init_app(app)
    templating.init_app(app)
    celery.celery_init_app(app)
    outbox.init_app(app)
    permissions.init_app(app, login_manager)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    return app
