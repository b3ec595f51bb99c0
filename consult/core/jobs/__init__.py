"""Owed work and its delivery: the outbox, Celery bound to the app, the embedded broker, its supervisor, task names."""
