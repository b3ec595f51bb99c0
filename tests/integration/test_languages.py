"""A visitor can read the site in English and switch back; zh-CN stays the default.

The nav, search box and footer are the site's own words, so in English they hold no Chinese;
what people wrote (plan titles, nicknames) stays as written, and dates stay on Shanghai time.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from consult.extensions import db
from consult.plans.models import Plan
from tests.conftest import login

CJK = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")


def chrome(html: str) -> str:
    """The header and footer with what users wrote (their nickname) left out."""
    header = re.search(r"<header.*?</header>", html, re.S).group(0)
    footer = re.search(r"<footer.*?</footer>", html, re.S).group(0)
    return re.sub(r'<span class="who">.*?</span>', "", header, flags=re.S) + footer


def html_lang(html: str) -> str:
    return re.search(r'<html lang="([^"]+)"', html).group(1)


def test_a_browser_that_sends_no_language_gets_chinese(client):
    html = client.get("/").get_data(as_text=True)
    assert html_lang(html) == "zh-CN"
    assert "登录" in chrome(html)
    assert 'href="/?lang=en"' in html and ">English</a>" in html


def test_english_on_request_keeps_plan_titles_and_shanghai_dates(app, client, make_plan):
    plan_id = make_plan(title="关于深化营商环境改革的实施方案（征求意见稿）")
    with app.app_context():
        # 18:30 UTC on 1 Jan is already 2 Jan in Shanghai.
        db.session.get(Plan, plan_id).closes_at = datetime(2030, 1, 1, 18, 30, tzinfo=UTC)
        db.session.commit()

    html = client.get("/?lang=en").get_data(as_text=True)

    assert html_lang(html) == "en"
    assert not CJK.findall(re.sub(r'lang="zh-CN"[^>]*>中文<', "", chrome(html))), chrome(html)
    assert "Sign in" in chrome(html) and "Forum" in chrome(html)
    assert "关于深化营商环境改革的实施方案（征求意见稿）" in html  # data stays as written
    assert "2030-01-02" in html and "2030-01-01" not in html


def test_the_choice_is_kept_on_later_pages_and_switching_back_works(client):
    client.get("/account/login?lang=en")
    later = client.get("/hearings/").get_data(as_text=True)
    assert html_lang(later) == "en"
    assert "Hearings" in chrome(later)

    back = client.get("/hearings/?lang=zh-CN").get_data(as_text=True)
    assert html_lang(back) == "zh-CN" and "听证会" in chrome(back)
    again = client.get("/").get_data(as_text=True)
    assert html_lang(again) == "zh-CN" and "登录" in chrome(again)


def test_accept_language_counts_only_until_the_visitor_chooses(client):
    english_browser = {"Accept-Language": "en-US,en;q=0.9"}
    assert html_lang(client.get("/", headers=english_browser).get_data(as_text=True)) == "en"
    assert html_lang(client.get("/", headers={"Accept-Language": "fr-FR"}).get_data(as_text=True)) == "zh-CN"

    client.get("/?lang=zh-CN", headers=english_browser)
    assert html_lang(client.get("/", headers=english_browser).get_data(as_text=True)) == "zh-CN"


def test_the_switch_keeps_the_rest_of_the_address(client):
    html = client.get("/search?q=%E6%94%B9%E9%9D%A9&lang=en").get_data(as_text=True)
    assert 'href="/search?q=%E6%94%B9%E9%9D%A9&amp;lang=zh-CN"' in html


def test_signed_in_staff_see_an_english_nav(client, make_user):
    _, email, password = make_user(role="staff")
    client.get("/?lang=en")
    login(client, email, password)
    html = client.get("/").get_data(as_text=True)
    nav = chrome(html)
    assert "Workbench" in nav and "Sign out" in nav and "My comments" in nav
    assert not CJK.findall(re.sub(r'lang="zh-CN"[^>]*>中文<', "", nav)), nav


def test_error_pages_speak_the_chosen_language(client):
    english = client.get("/no-such-page?lang=en")
    html = english.get_data(as_text=True)
    assert english.status_code == 404
    assert "<h1>Page not found</h1>" in html and not CJK.findall(re.search(r"<main.*?</main>", html, re.S).group(0))
    assert "<h1>页面不存在</h1>" in client.get("/no-such-page?lang=zh-CN").get_data(as_text=True)


def test_the_suggestion_form_labels_fields_in_english_and_keeps_the_stored_value(client):
    html = client.get("/suggestions/new?lang=en").get_data(as_text=True)
    assert '<option value="经济">Economy</option>' in html


def test_published_suggestions_show_field_names_in_english(client):
    html = client.get("/suggestions/?lang=en").get_data(as_text=True)
    assert ">Economy</a>" in html and ">Party building</a>" in html


def test_labels_translated_at_display_are_in_the_catalogue_too(client, make_user):
    """Question types are named in code and translated where shown (`_(kind.label)`)."""
    _, email, password = make_user(role="staff")
    login(client, email, password)
    html = client.get("/staff/surveys/new?lang=en").get_data(as_text=True)
    assert ">Single choice</button>" in html and ">Rating grid</button>" in html
