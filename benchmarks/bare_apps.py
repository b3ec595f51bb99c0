"""The same-run comparisons of the comment POST row: a bare Flask form POST, and the same with one
INSERT and COMMIT (a psycopg connection per worker, no ORM). Not part of the product.

    gunicorn -w 2 'benchmarks.bare_apps:form_app()'
    BARE_DSN=postgresql://postgres@127.0.0.1/db gunicorn -w 2 'benchmarks.bare_apps:insert_app()'
"""

from __future__ import annotations

import os

from flask import Flask, request


def form_app() -> Flask:
    app = Flask(__name__)

    @app.post("/post")
    def post() -> tuple[str, int]:
        body = request.form.get("body", "")
        return ("ok " + str(len(body)), 201)

    return app


def insert_app() -> Flask:
    import psycopg

    app = Flask(__name__)
    state: dict[str, psycopg.Connection] = {}

    def connection() -> psycopg.Connection:
        if "c" not in state:  # one per worker process, opened after the fork
            state["c"] = psycopg.connect(os.environ["BARE_DSN"])
            state["c"].execute("CREATE TABLE IF NOT EXISTS bare_post (id bigserial primary key, body text, created_at timestamptz default now())")
            state["c"].commit()
        return state["c"]

    @app.post("/post")
    def post() -> tuple[str, int]:
        body = request.form.get("body", "")
        conn = connection()
        conn.execute("INSERT INTO bare_post (body) VALUES (%s)", (body,))
        conn.commit()
        return ("ok", 201)

    return app
