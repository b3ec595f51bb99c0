"""The worker's -A target: builds the Flask app and exposes its Celery app."""

import worker.tasks  # noqa: F401  - shared tasks bind to the app created below
from consult import create_app

flask_app = create_app()
celery = flask_app.extensions["celery"]
