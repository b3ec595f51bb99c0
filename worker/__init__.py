"""The Celery side of Consult: the worker's app, its tasks, and the pure analysis package."""
