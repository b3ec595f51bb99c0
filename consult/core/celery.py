"""Celery bound to the Flask app: every task runs inside an application context."""

from __future__ import annotations

from pathlib import Path

from celery import Celery, Task
from flask import Flask


def celery_init_app(app: Flask) -> Celery:
    class FlaskTask(Task):
        def __call__(self, *args: object, **kwargs: object) -> object:
            with app.app_context():
                return self.run(*args, **kwargs)

    options = app.config["CELERY"]["broker_transport_options"]
    for key in ("data_folder_in", "control_folder", "processed_folder"):
        if key in options:  # the filesystem transport expects its folders to exist
            Path(options[key]).mkdir(parents=True, exist_ok=True)
    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.config_from_object(app.config["CELERY"])
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    return celery_app
