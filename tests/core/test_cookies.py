"""Only strictly necessary cookies, so no consent banner is needed: keep it that way."""

import pytest
from django.urls import reverse

from tests.factories import EventFactory

pytestmark = pytest.mark.django_db

NECESSARY = {"csrftoken", "sessionid", "django_language"}


def test_browsing_the_calendar_sets_no_cookie_but_the_csrf_token(client):
    event = EventFactory()
    for url in [
        reverse("events:home"),
        reverse("events:agenda"),
        reverse("events:month"),
        reverse("events:week"),
        event.get_absolute_url(),
        reverse("events:calendar-ics"),
        reverse("events:rss"),
        reverse("account_login"),
    ]:
        response = client.get(url)
        assert set(response.cookies) <= {"csrftoken"}, url
    assert "sessionid" not in client.cookies, "anonymous visitors get no session"


def test_choosing_a_language_sets_only_the_language_cookie(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert set(response.cookies) <= NECESSARY
    assert response.cookies["django_language"].value == "en"
