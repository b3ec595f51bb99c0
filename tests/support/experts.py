"""Helpers for the expert tests: an expert made through the office's form and logged in via the welcome link."""

from __future__ import annotations

import re
import uuid
from urllib.parse import parse_qs, urlsplit

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import csrf_from, login


def post_form(client: FlaskClient, page: str, url: str, data: dict, **kwargs):  # type: ignore[no-untyped-def]
    token = csrf_from(client.get(page).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data}, **kwargs)


def welcome_link(app: Flask, email: str) -> str:
    from sqlalchemy import select

    from consult.core.models import Notification, User
    from consult.extensions import db

    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        note = db.session.scalar(select(Notification).where(Notification.user_id == user.id, Notification.kind == "expert_welcome").order_by(Notification.id.desc()))
        return note.link


def make_expert(app: Flask, staff: FlaskClient, *, name: str = "王专家", fields: tuple[str, ...] = ("economy", "law"),
                organisation: str = "省社科院") -> tuple[int, str, str]:
    """Created by office staff (logged in on `staff`); returns (expert id, e-mail, password) with the password set."""
    email = f"expert{uuid.uuid4().hex[:8]}@example.com"
    response = post_form(staff, "/staff/experts/", "/staff/experts/",
                         {"email": email, "name": name, "organisation": organisation, "title": "研究员", "fields": list(fields), "active": "y"})
    assert response.status_code == 302, response.get_data(as_text=True)
    expert_id = int(re.search(r"/staff/experts/(\d+)", response.headers["Location"]).group(1))
    link = welcome_link(app, email)
    query = parse_qs(urlsplit(link).query)
    visitor = app.test_client()
    password = "Zhuanjia-2026-mima"
    response = post_form(visitor, link, "/expert/welcome",
                         {"login": query["login"][0], "code": query["code"][0], "password": password, "confirm": password})
    assert response.status_code == 302, response.get_data(as_text=True)
    return expert_id, email, password


def expert_client(app: Flask, email: str, password: str) -> FlaskClient:
    client = app.test_client()
    login(client, email, password)
    return client
