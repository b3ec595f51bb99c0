"""The worker's -A target: builds the Flask app and exposes its Celery app."""

from consult import create_app

flask_app = create_app()
celery = flask_app.extensions["celery"]

import worker.tasks  # noqa: E402,F401  - registers the tasks with this Celery app
