"""Editors maintain the calendar in the Django admin before the organiser workflow exists."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from quartiersnetz.core.activity import history
from quartiersnetz.events.models import Event, Occurrence
from quartiersnetz.places.models import Place
from tests.factories import EventFactory, PlaceFactory, UserFactory, berlin

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    user = get_user_model().objects.create_superuser("redaktion@example.org", "pw")
    client.force_login(user)
    return client


def event_form(place, **overrides):
    data = {
        "title": "Nachbarschaftsfest",
        "teaser": "",
        "description": "",
        "status": "published",
        "visibility": "public",
        "start_0": "05.12.2026",
        "start_1": "15:00",
        "end_0": "05.12.2026",
        "end_1": "18:00",
        "recurrence_rule": "",
        "recurrence_exceptions": "",
        "place": place.pk,
        "audience": "everyone",
        "occurrences-TOTAL_FORMS": "0",
        "occurrences-INITIAL_FORMS": "0",
        "occurrences-MIN_NUM_FORMS": "0",
        "occurrences-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def test_an_editor_creates_a_recurring_event_and_its_dates_appear(editor_client):
    place = PlaceFactory()
    response = editor_client.post(
        reverse("admin:events_event_add"),
        event_form(place, recurrence_rule="FREQ=WEEKLY;COUNT=5"),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    event = Event.objects.get(title="Nachbarschaftsfest")
    assert event.occurrences.count() == 5
    assert event.occurrences.first().start == berlin(2026, 12, 5, 15)


def test_changes_in_the_admin_are_in_the_activity_log(editor_client):
    place = PlaceFactory()
    editor_client.post(reverse("admin:events_event_add"), event_form(place))
    event = Event.objects.get(title="Nachbarschaftsfest")

    editor_client.post(
        reverse("admin:events_event_change", args=[event.pk]),
        event_form(place, title="Nachbarschaftsfest Welper", status="cancelled"),
    )

    edited, created = history(event)
    assert created.action == "created"
    assert edited.action == "edited"
    assert edited.actor.email == "redaktion@example.org"
    assert edited.changes == {
        "title": ["Nachbarschaftsfest", "Nachbarschaftsfest Welper"],
        "status": ["Veröffentlicht", "Abgesagt"],
    }


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"end_1": "14:00"}, "end", "Das Ende muss nach dem Beginn liegen."),
        ({"recurrence_rule": "FREQ=WEEKLY;BYDAY=QQ"}, "recurrence_rule", "nicht gültig"),
        ({"recurrence_exceptions": "2026-02-30"}, "recurrence_exceptions", "2026-02-30"),
    ],
)
def test_admin_rejects_bad_input_with_a_german_message(editor_client, overrides, field, message):
    place = PlaceFactory()
    response = editor_client.post(reverse("admin:events_event_add"), event_form(place, **overrides))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert message in " ".join(errors[field])
    assert not Event.objects.exists()
    assert not Occurrence.objects.exists()


def test_admin_requires_alt_text_for_an_image(editor_client, tmp_path):
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    upload = SimpleUploadedFile("plakat.png", buffer.getvalue(), content_type="image/png")
    place = PlaceFactory()
    response = editor_client.post(
        reverse("admin:events_event_add"), {**event_form(place), "image": upload}
    )
    assert response.status_code == 200
    assert "image_alt" in response.context["adminform"].form.errors
    assert not Event.objects.exists()


def test_an_editor_cancels_and_moves_single_dates_of_a_series(editor_client):
    event = EventFactory(recurrence_rule="FREQ=WEEKLY;COUNT=3")
    first, second, third = event.occurrences.order_by("start")
    response = editor_client.post(
        reverse("admin:events_occurrence_changelist"),
        {"action": "cancel_dates", "_selected_action": [first.pk]},
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.cancelled
    response = editor_client.post(
        reverse("admin:events_occurrence_change", args=[second.pk]),
        {"start_0": "09.12.2026", "start_1": "18:00", "end_0": "09.12.2026", "end_1": "20:00"},
    )
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.moved
    assert second.start == berlin(2026, 12, 9, 18)
    response = editor_client.post(
        reverse("admin:events_occurrence_change", args=[third.pk]),
        {"start_0": "09.12.2026", "start_1": "18:00", "end_0": "09.12.2026", "end_1": "17:00"},
    )
    assert response.status_code == 200
    third.refresh_from_db()
    assert not third.moved
    moved, cancelled = history(event)
    assert (cancelled.action, cancelled.message) == ("date_cancelled", "2026-12-01 19:00")
    assert moved.action == "date_moved"
    assert moved.changes == {"start": ["2026-12-08 19:00", "2026-12-09 18:00"]}
    assert moved.actor.email == "redaktion@example.org"


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:events_event_changelist",
        "admin:events_occurrence_changelist",
        "admin:places_place_changelist",
        "admin:organizations_organization_changelist",
        "admin:core_district_changelist",
    ],
)
def test_admin_lists_support_search(editor_client, url_name):
    EventFactory(title="Weihnachtsmarkt")
    response = editor_client.get(reverse(url_name), {"q": "Weihnacht"})
    assert response.status_code == 200
    assert "cl" in response.context


def test_an_editor_without_staff_flag_maintains_events_places_and_organisations(client):
    editor = UserFactory(is_editor=True)
    assert not editor.is_staff
    client.force_login(editor)

    index = client.get(reverse("admin:index")).content.decode()
    for name in ("events_event", "places_place", "organizations_organization", "core_district"):
        assert reverse(f"admin:{name}_changelist") in index
    assert reverse("admin:accounts_user_changelist") not in index
    assert reverse("admin:core_sitesettings_changelist") not in index
    response = client.post(
        reverse("admin:places_place_add"),
        {
            "name": "Haus der Jugend",
            "slug": "haus-der-jugend",
            "street": "Talstraße 8",
            "postcode": "45525",
            "city": "Hattingen",
            "district": PlaceFactory().district_id,
        },
    )
    assert response.status_code == 302
    assert Place.objects.filter(name="Haus der Jugend").exists()


def test_people_without_a_role_do_not_enter_the_editorial_office(client):
    client.force_login(UserFactory(is_moderator=True))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
