"""The organisers' pages: my events, the event form, preview, state changes, and the
submission without an account; who may do what."""

import datetime as dt
import io
import re
import time
import uuid
from pathlib import Path

import pytest
from django.core import mail, signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from PIL import Image

from quartiersnetz.accounts.notifications import subscribe
from quartiersnetz.core import ratelimit
from quartiersnetz.core.activity import history
from quartiersnetz.core.models import SiteSettings
from quartiersnetz.core.timeutil import local_today, localize, start_of_day
from quartiersnetz.events import workflow
from quartiersnetz.events.models import Event, Occurrence, Status
from quartiersnetz.events.recurrence import describe_rule
from quartiersnetz.organizations.models import Organization
from quartiersnetz.places.models import Place
from tests.factories import (
    CategoryFactory,
    DistrictFactory,
    EventFactory,
    MembershipFactory,
    OrganizationFactory,
    PlaceFactory,
    UserFactory,
    berlin,
)
from tests.helpers import german, page

pytestmark = pytest.mark.django_db


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def last_message(response):
    return messages_of(response)[-1]


def soon(days, hour=19):
    return start_of_day(local_today() + dt.timedelta(days=days)) + dt.timedelta(hours=hour)


def jpeg_bytes(size=(800, 600), color=(200, 30, 30)):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def organization():
    return OrganizationFactory(name="Heimatverein Welper e.V.", slug="heimatverein-welper")


@pytest.fixture
def organiser(organization):
    return MembershipFactory(organization=organization, user__email="ida@example.org").user


@pytest.fixture
def other_organization():
    return OrganizationFactory(name="Sportverein Blankenstein", slug="sv-blankenstein")


@pytest.fixture
def place():
    return PlaceFactory(name="Gemeindehaus Welper", slug="gemeindehaus-welper")


@pytest.fixture
def signed_in(client, organiser):
    client.force_login(organiser)
    return client


def event_of(organization, **fields):
    fields.setdefault("status", Status.DRAFT)
    fields.setdefault("organizers", [organization])
    event = EventFactory(**fields)
    return Event.objects.get(pk=event.pk)


def form_data(organization, place, **overrides):
    data = {
        "form_key": str(uuid.uuid4()),
        "title": "Adventssingen am Kirchplatz",
        "teaser": "Wir singen gemeinsam.",
        "description": "Mit *Posaunenchor*.",
        "start_date": "2026-12-05",
        "start_time": "17:00",
        "end_date": "",
        "end_time": "19:00",
        "repeat": "none",
        "repeat_interval": "1",
        "repeat_monthly_by": "weekday",
        "place": str(place.pk) if place else "",
        "organizers": [str(organization.pk)],
        "audience": "everyone",
        "visibility": "public",
        "contact_name": "Ida Schulte",
        "contact_email": "ida@example.org",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def edit_data(event, **overrides):
    """What the edit form sends back unchanged, with overrides."""
    start, end = localize(event.start), localize(event.end)
    data = {
        "sequence": str(event.sequence),
        "title": event.title,
        "teaser": event.teaser,
        "description": event.description,
        "start_date": start.date().isoformat(),
        "start_time": start.strftime("%H:%M"),
        "end_date": end.date().isoformat(),
        "end_time": end.strftime("%H:%M"),
        "repeat": "none",
        "repeat_interval": "1",
        "repeat_monthly_by": "weekday",
        "place": str(event.place_id or ""),
        "organizers": [str(o.pk) for o in event.organizers.all()],
        "audience": event.audience,
        "visibility": event.visibility,
        "image_alt": event.image_alt,
    }
    data.update(overrides)
    return data


def url(name, event=None):
    return reverse(f"events:{name}", kwargs={"pk": event.pk} if event else None)


# --- My events -----------------------------------------------------------------------


def test_my_events_needs_a_sign_in(client):
    response = client.get(url("mine"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_someone_without_organisation_is_told_how_to_join_one(client):
    client.force_login(UserFactory())
    response = client.get(url("mine"))
    assert response.status_code == 200
    assert reverse("events:organizations") in response.content.decode()
    assert german("How to enter events") in page(response)


def test_my_events_lists_own_organisations_events_by_state(
    signed_in, organization, other_organization, place
):
    now_soon = soon(10)
    event_of(organization, title="Entwurf Frühlingsfest", start=now_soon)
    event_of(
        organization,
        title="Entwurf mit Rückfrage",
        start=now_soon,
        review_message="Bitte den Ort ergänzen.",
    )
    event_of(organization, title="Wartet auf Prüfung", status=Status.SUBMITTED, start=now_soon)
    event_of(
        organization,
        title="Abgelehnte Werbung",
        status=Status.REJECTED,
        review_message="Das ist Werbung.",
        start=now_soon,
    )
    event_of(organization, title="Sommerfest", status=Status.PUBLISHED, start=now_soon)
    event_of(organization, title="Abgesagtes Konzert", status=Status.CANCELLED, start=now_soon)
    event_of(organization, title="Vergangener Basar", status=Status.PUBLISHED, start=soon(-30))
    event_of(other_organization, title="Fremde Veranstaltung", start=now_soon)

    response = signed_in.get(url("mine"))

    assert response.status_code == 200
    sections = {
        section["key"]: [row.event.title for row in section["rows"]]
        for section in response.context["sections"]
    }
    assert sections == {
        "drafts": ["Entwurf Frühlingsfest", "Entwurf mit Rückfrage"],
        "submitted": ["Wartet auf Prüfung"],
        "rejected": ["Abgelehnte Werbung"],
        "published": ["Sommerfest"],
        "cancelled": ["Abgesagtes Konzert"],
        "past": ["Vergangener Basar"],
    }
    content = page(response)
    assert "Fremde Veranstaltung" not in content
    assert "Bitte den Ort ergänzen." in content
    assert "Das ist Werbung." in content
    assert german("The editors ask for changes:") in content
    assert f'<time datetime="{localize(now_soon).isoformat(timespec="minutes")}">' in content
    assert 'href="{}"'.format(reverse("events:create")) in content


def test_each_state_offers_its_own_actions(signed_in, organization):
    draft = event_of(organization, title="Entwurf", start=soon(5))
    submitted = event_of(organization, title="Eingereicht", status=Status.SUBMITTED)
    published = event_of(organization, title="Veröffentlicht", status=Status.PUBLISHED)
    content = signed_in.get(url("mine")).content.decode()

    assert url("submit", draft) in content
    assert url("delete", draft) in content
    assert url("withdraw", submitted) in content
    assert url("edit", submitted) not in content
    assert url("cancel", published) in content
    assert url("postpone", published) in content
    assert url("delete", published) not in content
    assert url("submit", published) not in content


def test_an_editor_sees_only_the_events_of_their_own_organisations(
    client, organization, other_organization
):
    editor = UserFactory(is_editor=True)
    MembershipFactory(organization=organization, user=editor)
    event_of(organization, title="Eigene Veranstaltung")
    event_of(other_organization, title="Fremde Veranstaltung")
    client.force_login(editor)
    content = client.get(url("mine")).content.decode()
    assert "Eigene Veranstaltung" in content
    assert "Fremde Veranstaltung" not in content


def test_my_events_shows_a_series_in_words(signed_in, organization):
    event_of(
        organization,
        title="Skatabend",
        start=berlin(2026, 12, 1, 19),
        end=berlin(2026, 12, 1, 22),
        recurrence_rule="FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,FR;UNTIL=20271231",
    )
    with translation.override("de"):
        expected = describe_rule(
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,FR;UNTIL=20271231", berlin(2026, 12, 1, 19)
        )
    assert expected in page(signed_in.get(url("mine")))


# With the navigation's check whether the person moderates a conference (base.html).
MINE_QUERIES = 10


def _mine_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url("mine"))
    assert response.status_code == 200
    return len(queries)


def test_my_events_needs_the_same_number_of_queries_for_one_or_three_events(
    signed_in, organization, other_organization
):
    SiteSettings.load()  # created on the first page view otherwise
    category = CategoryFactory(name="Musik")
    event_of(organization, organizers=[organization, other_organization], categories=[category])
    # Session, user, site settings, the permission's membership query, the mails
    # asked for, events with their next dates, their organisers, …: the same literal
    # count for one event and for three.
    assert _mine_queries(signed_in) == MINE_QUERIES
    event_of(organization, status=Status.PUBLISHED, start=soon(3))
    event_of(
        organization,
        status=Status.SUBMITTED,
        recurrence_rule="FREQ=WEEKLY;COUNT=5",
        organizers=[organization, other_organization],
    )
    assert _mine_queries(signed_in) == MINE_QUERIES


def test_the_account_navigation_links_my_events_for_everyone_signed_in(client, organiser):
    # Shown to all, so that a page costs no membership query; people without an
    # organisation find there how to join one.
    assert url("mine") not in client.get(reverse("events:home")).content.decode()
    client.force_login(organiser)
    content = client.get(reverse("events:home")).content.decode()
    assert f'href="{url("mine")}"' in content
    # Right after "My account".
    navigation = content.split('class="account-nav"')[1]
    assert navigation.index(reverse("account_email")) < navigation.index(url("mine"))


# --- Creating ------------------------------------------------------------------------


def test_the_new_event_form_has_labelled_fields_in_fieldsets(signed_in):
    response = signed_in.get(url("create"))
    content = response.content.decode()
    assert response.status_code == 200
    assert content.count("<h1") == 1
    assert 'type="date"' in content
    assert 'type="time"' in content
    assert 'name="form_key"' in content
    assert 'enctype="multipart/form-data"' in content
    # Every visible input has a label.
    for name in re.findall(
        r'<input type="(?:text|date|time|number|url|email|tel|file)"[^>]*id="([^"]+)"', content
    ):
        assert f'for="{name}"' in content, name
    # The weekday checkboxes are a group with a legend.
    weekdays = content.split('id="id_repeat_weekdays"')[0].rsplit("<fieldset", 1)[1]
    assert "<legend>" in weekdays
    assert "<script" not in content.split("</head>")[1]
    assert "style=" not in content


def test_an_organiser_creates_a_draft(signed_in, organiser, organization, place):
    category = CategoryFactory(name="Musik")
    data = form_data(
        organization,
        place,
        categories=[str(category.pk)],
        is_free="on",
        registration_url="welper.example/anmeldung",
        expected_attendance="80",
    )
    response = signed_in.post(url("create"), data, follow=True)

    assert response.redirect_chain[-1][0] == url("mine")
    event = Event.objects.get()
    assert event.status == Status.DRAFT
    assert event.title == "Adventssingen am Kirchplatz"
    assert localize(event.start) == berlin(2026, 12, 5, 17)
    assert localize(event.end) == berlin(2026, 12, 5, 19)
    assert event.place == place
    assert list(event.organizers.all()) == [organization]
    assert list(event.categories.all()) == [category]
    assert event.is_free
    assert event.registration_url == "https://welper.example/anmeldung"
    assert event.expected_attendance == 80
    assert event.created_by == organiser
    assert event.occurrences.count() == 1
    assert messages_of(response) == [
        german(
            "“%(title)s” has been saved as a draft. Submit it for review when it is ready.",
            title="Adventssingen am Kirchplatz",
        )
    ]
    assert "Adventssingen am Kirchplatz" in page(response)


def test_an_all_day_event_is_stored_from_midnight_to_midnight(signed_in, organization, place):
    signed_in.post(
        url("create"),
        form_data(
            organization,
            place,
            all_day="on",
            start_date="2026-12-05",
            end_date="2026-12-06",
            start_time="",
            end_time="",
        ),
    )
    event = Event.objects.get()
    assert event.all_day
    assert localize(event.start) == berlin(2026, 12, 5)
    assert localize(event.end) == berlin(2026, 12, 7)


def test_save_and_submit_sends_the_event_to_the_editors(signed_in, organization, place):
    response = signed_in.post(
        url("create"), form_data(organization, place, submit="1"), follow=True
    )
    event = Event.objects.get()
    assert event.status == Status.SUBMITTED
    assert messages_of(response) == [
        german(
            "“%(title)s” has been submitted for review. You will find the editors' answer here.",
            title=event.title,
        )
    ]


def test_a_trusted_organisation_publishes_at_once_and_is_told_so(signed_in, organization, place):
    Organization.objects.filter(pk=organization.pk).update(is_trusted=True)
    response = signed_in.post(
        url("create"), form_data(organization, place, submit="1"), follow=True
    )
    event = Event.objects.get()
    assert event.status == Status.PUBLISHED
    assert german(
        "“%(title)s” has been published: events of trusted organisations appear in the "
        "calendar at once.",
        title=event.title,
    ) in messages_of(response)


def test_submitting_without_place_or_link_keeps_the_form_and_saves_nothing(signed_in, organization):
    response = signed_in.post(url("create"), form_data(organization, None, submit="1"))
    assert response.status_code == 400
    assert german("Choose a place or enter an online link.") in page(response)
    assert not Event.objects.exists()


def test_a_form_sent_twice_saves_one_event(signed_in, organization, place):
    data = form_data(organization, place, new_place_name=None)
    signed_in.post(url("create"), data)
    response = signed_in.post(url("create"), data, follow=True)
    assert Event.objects.count() == 1
    assert response.redirect_chain[-1][0] == url("mine")
    assert last_message(response) == german(
        "This form had already been sent: the event has been saved only once."
    )


def test_a_new_place_is_saved_with_the_event(signed_in, organization):
    district = DistrictFactory(name="Welper")
    data = form_data(
        organization,
        None,
        new_place_name="Bürgerzentrum Holschentor",
        new_place_street="Talstraße 8",
        new_place_postcode="45525",
        new_place_district=str(district.pk),
        new_place_step_free="on",
        new_place_hearing_loop="on",
    )
    signed_in.post(url("create"), data)
    # The same form again creates neither a second event nor a second place.
    signed_in.post(url("create"), data)

    event = Event.objects.get()
    place = Place.objects.get()
    assert event.place == place
    assert place.name == "Bürgerzentrum Holschentor"
    assert place.district == district
    assert place.step_free
    assert place.hearing_loop
    assert not place.accessible_toilet
    assert place.slug == "burgerzentrum-holschentor"
    assert event.occurrences.get().district == district


def test_an_invalid_form_saves_no_new_place(signed_in, organization):
    district = DistrictFactory(name="Welper")
    response = signed_in.post(
        url("create"),
        form_data(
            organization,
            None,
            end_time="16:00",
            new_place_name="Bürgerzentrum Holschentor",
            new_place_district=str(district.pk),
        ),
    )
    assert response.status_code == 400
    assert not Place.objects.exists()
    assert not Event.objects.exists()


def test_end_before_start_is_shown_on_the_end_field(signed_in, organization, place):
    response = signed_in.post(url("create"), form_data(organization, place, end_time="16:00"))
    assert response.status_code == 400
    assert not Event.objects.exists()
    form = response.context["form"]
    assert list(form.errors) == ["end_time"]
    content = response.content.decode()
    # The input points to its error, and the summary at the top links to the input.
    end_input = re.search(r'<input [^>]*id="id_end_time"[^>]*>', content).group(0)
    assert 'aria-describedby="id_end_time_helptext id_end_time_error"' in end_input
    assert 'id="id_end_time_error"' in content
    assert 'href="#id_end_time"' in content
    assert 'aria-invalid="true"' in content


def test_a_megabyte_of_text_is_refused(signed_in, organization, place):
    huge = "Ruhr " * 200_000
    response = signed_in.post(
        url("create"), form_data(organization, place, title=huge, description=huge)
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"title", "description"}
    assert not Event.objects.exists()


def test_markup_is_stored_as_typed_and_shown_harmless(signed_in, organization, place):
    attack = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    signed_in.post(
        url("create"),
        form_data(
            organization,
            place,
            title=f"Fest {attack}",
            teaser=attack,
            description=f"Text {attack}",
            contact_name=attack,
            price=attack,
        ),
    )
    event = Event.objects.get()
    assert event.title == f"Fest {attack}"
    assert event.description == f"Text {attack}"

    content = signed_in.get(url("preview", event)).content.decode()
    assert "<script>alert" not in content
    assert "onerror=alert" not in content.replace("onerror=alert(1)&gt;", "")
    assert "&lt;script&gt;alert" in content
    mine = signed_in.get(url("mine")).content.decode()
    assert "<script>alert" not in mine


def test_an_organisation_that_no_longer_exists_is_an_error(signed_in, organization, place):
    gone = OrganizationFactory()
    gone_pk = gone.pk
    gone.delete()
    response = signed_in.post(
        url("create"),
        form_data(organization, place, organizers=[str(organization.pk), str(gone_pk)]),
    )
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["organizers"]
    assert not Event.objects.exists()


def test_an_organisation_one_does_not_act_for_cannot_be_chosen(
    signed_in, organization, other_organization, place
):
    response = signed_in.post(
        url("create"), form_data(organization, place, organizers=[str(other_organization.pk)])
    )
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["organizers"]
    assert not Event.objects.exists()


def test_a_place_that_no_longer_exists_is_an_error(signed_in, organization):
    gone = PlaceFactory()
    gone_pk = gone.pk
    gone.delete()
    data = {**form_data(organization, None), "place": str(gone_pk)}
    response = signed_in.post(url("create"), data)
    assert response.status_code == 400
    assert german("This place no longer exists. Choose another one or enter a new place.") in page(
        response
    )
    assert not Event.objects.exists()


def test_a_series_that_never_ends_is_refused(signed_in, organization, place):
    response = signed_in.post(
        url("create"), form_data(organization, place, repeat="weekly", repeat_weekdays=["SA"])
    )
    assert response.status_code == 400
    assert german(
        "A series must end: enter the date of its last day or the number of dates."
    ) in page(response)
    assert not Event.objects.exists()


def test_a_series_without_any_date_is_refused(signed_in, organization, place):
    response = signed_in.post(
        url("create"),
        form_data(organization, place, repeat="weekly", repeat_until="2026-11-01"),
    )
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["repeat_until"]
    assert not Event.objects.exists()


def test_a_weekly_series_is_built_from_the_choices(signed_in, organization, place):
    signed_in.post(
        url("create"),
        form_data(
            organization,
            place,
            start_date="2026-12-01",
            repeat="weekly",
            repeat_interval="2",
            repeat_weekdays=["TU", "FR"],
            repeat_until="2027-01-31",
            recurrence_exceptions="15.12.2026, 2027-01-12",
        ),
    )
    event = Event.objects.get()
    assert event.recurrence_rule == "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,FR;UNTIL=20270131T235959"
    assert event.recurrence_exceptions == "2026-12-15\n2027-01-12"
    days = [localize(o.start).date() for o in event.occurrences.order_by("start")]
    assert days == [
        dt.date(2026, 12, 1),
        dt.date(2026, 12, 4),
        dt.date(2026, 12, 18),
        dt.date(2026, 12, 29),
        dt.date(2027, 1, 1),
        dt.date(2027, 1, 15),
        dt.date(2027, 1, 26),
        dt.date(2027, 1, 29),
    ]


def test_excluded_dates_that_are_not_dates_are_refused(signed_in, organization, place):
    response = signed_in.post(
        url("create"),
        form_data(
            organization,
            place,
            repeat="weekly",
            repeat_count="5",
            recurrence_exceptions="Heiligabend\n2026-02-30",
        ),
    )
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["recurrence_exceptions"]
    assert "Heiligabend" in page(response)
    assert not Event.objects.exists()


def test_people_without_organisation_may_not_create_events(client, place):
    client.force_login(UserFactory())
    assert client.get(url("create")).status_code == 403
    response = client.post(url("create"), form_data(OrganizationFactory(), place))
    assert response.status_code == 403
    assert not Event.objects.exists()


def test_thirty_new_events_an_hour_is_the_limit(signed_in, organiser, organization, place):
    for _ in range(30):
        assert ratelimit.allow("event-create", organiser.pk, 30)
    response = signed_in.post(url("create"), form_data(organization, place))
    assert response.status_code == 429
    assert not Event.objects.exists()
    # The text stays in the form.
    assert 'value="Adventssingen am Kirchplatz"' in response.content.decode()


def test_a_thirty_megabyte_image_is_a_form_error(signed_in, organization, place):
    upload = SimpleUploadedFile(
        "riesig.jpg", b"\xff\xd8\xff" + b"0" * (30 * 1024 * 1024), content_type="image/jpeg"
    )
    response = signed_in.post(
        url("create"), {**form_data(organization, place, image_alt="Ein Bild"), "image": upload}
    )
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["image"]
    assert german(
        "The image is too large (%(size)s MB; at most %(max)s MB).", size="30", max="5"
    ) in page(response)
    assert not Event.objects.exists()


def test_a_file_that_is_not_an_image_is_a_form_error(signed_in, organization, place):
    upload = SimpleUploadedFile("bild.jpg", b"Das ist kein Bild.", content_type="image/jpeg")
    response = signed_in.post(
        url("create"), {**form_data(organization, place, image_alt="Ein Bild"), "image": upload}
    )
    assert response.status_code == 400
    assert german(
        "The file is not an image, or it is damaged. Upload a JPEG, PNG or WebP image."
    ) in page(response)
    assert german(
        "Please choose the image again: browsers do not keep a chosen file when the form "
        "is shown again."
    ) in page(response)
    assert not Event.objects.exists()


def test_an_image_is_stored_re_encoded_and_needs_a_description(signed_in, organization, place):
    upload = SimpleUploadedFile("foto.jpg", jpeg_bytes(), content_type="image/jpeg")
    response = signed_in.post(url("create"), {**form_data(organization, place), "image": upload})
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["image_alt"]

    upload = SimpleUploadedFile("foto.jpg", jpeg_bytes(), content_type="image/jpeg")
    signed_in.post(
        url("create"),
        {**form_data(organization, place, image_alt="Der Chor vor der Kirche"), "image": upload},
    )
    event = Event.objects.get()
    # A new random name: the uploaded one may say who or where.
    assert re.fullmatch(r"events/\d{4}/[0-9a-f]{32}\.jpg", event.image.name)
    with Image.open(event.image.path) as stored:
        assert stored.format == "JPEG"
        assert stored.size == (800, 600)


# --- Editing -------------------------------------------------------------------------


def test_the_edit_form_shows_the_stored_event(signed_in, organization, place):
    event = event_of(
        organization,
        title="Skatabend",
        start=berlin(2026, 12, 1, 19),
        end=berlin(2026, 12, 1, 22),
        place=place,
        recurrence_rule="FREQ=MONTHLY;BYDAY=1TU;COUNT=10",
    )
    response = signed_in.get(url("edit", event))
    assert response.status_code == 200
    form = response.context["form"]
    assert form["start_date"].value() == dt.date(2026, 12, 1)
    assert form["start_time"].value() == dt.time(19)
    assert form["repeat"].value() == "monthly"
    assert form["repeat_week"].value() == 1
    assert form["repeat_count"].value() == 10
    content = response.content.decode()
    assert 'value="2026-12-01"' in content
    assert 'value="19:00"' in content
    assert f'name="sequence" value="{event.sequence}"' in content


def test_an_organiser_edits_a_draft(signed_in, organization, place):
    event = event_of(organization, title="Skatabend", place=place)
    response = signed_in.post(
        url("edit", event),
        edit_data(event, title="Skat- und Doppelkopfabend", start_time="18:30"),
        follow=True,
    )
    event.refresh_from_db()
    assert event.title == "Skat- und Doppelkopfabend"
    assert localize(event.start).time() == dt.time(18, 30)
    assert event.status == Status.DRAFT
    assert messages_of(response) == [
        german("The changes to “%(title)s” have been saved.", title=event.title)
    ]
    entry = history(event).first()
    assert entry.action == workflow.Action.EDITED
    assert "title" in entry.changes


def test_editing_a_published_event_keeps_it_published_and_says_so(signed_in, organization):
    event = event_of(organization, title="Sommerfest", status=Status.PUBLISHED, start=soon(20))
    response = signed_in.get(url("edit", event))
    assert german(
        "This event is published. Changes are visible at once; editors see what you changed."
    ) in page(response)
    response = signed_in.post(
        url("edit", event), edit_data(event, teaser="Mit Hüpfburg."), follow=True
    )
    event.refresh_from_db()
    assert event.status == Status.PUBLISHED
    assert event.teaser == "Mit Hüpfburg."
    assert messages_of(response) == [
        german(
            "The changes to “%(title)s” have been saved. Changes are visible at once; "
            "editors see what you changed.",
            title="Sommerfest",
        )
    ]


def test_an_edit_after_someone_elses_edit_keeps_the_input_and_overwrites_nothing(
    client, organization, place
):
    event = event_of(organization, title="Skatabend", place=place)
    ida = MembershipFactory(organization=organization).user
    ole = MembershipFactory(organization=organization).user
    client.force_login(ida)
    opened = client.get(url("edit", event)).context["form"]["sequence"].value()
    # Ole saves first.
    stored = Event.objects.get(pk=event.pk)
    stored.title = "Skatabend im Vereinsheim"
    workflow.update_event(stored, actor=ole, expected_sequence=stored.sequence)

    response = client.post(
        url("edit", event), edit_data(event, sequence=str(opened), title="Skat mit Ida")
    )

    assert response.status_code == 409
    assert Event.objects.get(pk=event.pk).title == "Skatabend im Vereinsheim"
    content = page(response)
    assert 'value="Skat mit Ida"' in content
    assert "Skatabend im Vereinsheim" in content
    assert german("Someone else changed this event") in content
    # The heading names the stored version; the differences list shows its values.
    assert re.search(r"<h1>[^<]*Skatabend im Vereinsheim</h1>", content)
    assert str(ole) in content
    differences = dict(response.context["conflict"]["differences"])
    assert differences == {german("title").capitalize(): "Skatabend im Vereinsheim"}
    # Saving again now replaces the current version.
    form = response.context["form"]
    assert form["sequence"].value() == str(Event.objects.get(pk=event.pk).sequence)
    client.post(
        url("edit", event),
        edit_data(event, sequence=form["sequence"].value(), title="Skat mit Ida"),
    )
    assert Event.objects.get(pk=event.pk).title == "Skat mit Ida"


def test_a_submitted_event_is_withdrawn_before_it_is_edited(signed_in, organization):
    event = event_of(organization, status=Status.SUBMITTED)
    response = signed_in.get(url("edit", event), follow=True)
    assert response.redirect_chain[-1][0] == url("mine")
    assert german(
        "“%(title)s” is waiting for review. Withdraw it first if you want to change it.",
        title=event.title,
    ) in messages_of(response)


def test_an_image_is_replaced_and_removed(signed_in, organization, place):
    signed_in.post(
        url("create"),
        {
            **form_data(organization, place, image_alt="Chor"),
            "image": SimpleUploadedFile("a.jpg", jpeg_bytes(), content_type="image/jpeg"),
        },
    )
    event = Event.objects.get()
    first = event.image.path
    signed_in.post(
        url("edit", event),
        {
            **edit_data(event),
            "image": SimpleUploadedFile(
                "b.jpg", jpeg_bytes(color=(0, 0, 200)), content_type="image/jpeg"
            ),
        },
    )
    event.refresh_from_db()
    assert event.image.path != first
    assert not Path(first).exists()
    second = event.image.path
    signed_in.post(url("edit", event), {**edit_data(event), "remove_image": "on"})
    event.refresh_from_db()
    assert not event.image
    assert not Path(second).exists()


# --- Who may do what ------------------------------------------------------------------


def test_a_member_of_one_organisation_cannot_touch_anothers_events(
    signed_in, other_organization, place
):
    draft = event_of(other_organization, title="Fremder Entwurf", place=place)
    published = event_of(other_organization, title="Fremdes Fest", status=Status.PUBLISHED)
    before = {e.pk: (e.title, e.status, e.sequence) for e in Event.objects.all()}

    for name, event in [
        ("edit", draft),
        ("preview", draft),
        ("duplicate", draft),
        ("cancel", published),
        ("postpone", published),
        ("delete", draft),
    ]:
        assert signed_in.get(url(name, event)).status_code == 403, name
    for name, event, data in [
        ("edit", draft, edit_data(draft, title="Gekapert")),
        ("submit", draft, {}),
        ("withdraw", draft, {}),
        ("delete", draft, {}),
        ("cancel", published, {"message": "weg"}),
        (
            "postpone",
            published,
            {"start_date": "2027-01-01", "start_time": "10:00", "end_time": "11:00"},
        ),
        ("duplicate", draft, form_data(other_organization, place)),
    ]:
        assert signed_in.post(url(name, event), data).status_code == 403, name
    assert {e.pk: (e.title, e.status, e.sequence) for e in Event.objects.all()} == before


def test_anonymous_visitors_are_sent_to_sign_in(client, organization):
    event = event_of(organization)
    for name in ("create", "mine"):
        assert client.get(url(name)).status_code == 302
    for name in ("edit", "preview", "submit", "cancel", "delete"):
        response = client.post(url(name, event))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    assert Event.objects.get(pk=event.pk).status == Status.DRAFT


def test_an_editor_manages_any_event(client, other_organization, place):
    editor = UserFactory(is_editor=True)
    event = event_of(other_organization, place=place)
    client.force_login(editor)
    assert client.get(url("preview", event)).status_code == 200
    response = client.get(url("edit", event))
    assert response.status_code == 200
    # Editors choose among all organisations.
    assert set(response.context["form"].fields["organizers"].queryset) == {other_organization}


# --- Preview -------------------------------------------------------------------------


def test_the_preview_shows_the_public_page_with_a_banner(signed_in, organization, place):
    event = event_of(
        organization,
        title="Laternenumzug",
        place=place,
        start=berlin(2026, 11, 11, 17),
        end=berlin(2026, 11, 11, 18),
    )
    response = signed_in.get(url("preview", event))
    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex"
    content = page(response)
    assert german("Preview — not published") in content
    assert "Laternenumzug" in content
    assert "Gemeindehaus Welper" in content
    assert url("edit", event) in content
    assert url("submit", event) in content
    assert content.count("<h1") == 1
    assert "application/ld+json" not in content
    # The public page does not show it.
    assert signed_in.get(event.get_absolute_url()).status_code == 404


# --- Copying -------------------------------------------------------------------------


def test_a_copy_starts_with_the_events_data_and_saves_a_new_draft(signed_in, organization, place):
    category = CategoryFactory(name="Musik")
    source = event_of(
        organization,
        title="Chorkonzert",
        place=place,
        categories=[category],
        status=Status.PUBLISHED,
        start=berlin(2026, 12, 5, 17),
        end=berlin(2026, 12, 5, 19),
        recurrence_rule="FREQ=WEEKLY;BYDAY=SA;COUNT=3",
    )
    response = signed_in.get(url("duplicate", source))
    form = response.context["form"]
    assert form["title"].value() == german("Copy: %(title)s", title="Chorkonzert")
    assert form["place"].value() == place.pk
    assert form["start_date"].value() == dt.date(2026, 12, 5)
    assert form["repeat"].value() == "weekly"
    assert german("The copy has no image: upload one if you like.") in page(response)

    data = form_data(
        organization,
        place,
        title="Chorkonzert 2027",
        start_date="2027-12-04",
        categories=[str(category.pk)],
        form_key=str(form["form_key"].value()),
    )
    signed_in.post(url("duplicate", source), data)
    copy = Event.objects.exclude(pk=source.pk).get()
    assert copy.title == "Chorkonzert 2027"
    assert copy.status == Status.DRAFT
    assert list(copy.categories.all()) == [category]
    assert Event.objects.get(pk=source.pk).title == "Chorkonzert"


# --- State changes -------------------------------------------------------------------


def test_submit_and_withdraw_are_buttons_and_a_second_click_is_told(signed_in, organization, place):
    event = event_of(organization, place=place)
    assert signed_in.get(url("submit", event)).status_code == 405

    signed_in.post(url("submit", event))
    assert Event.objects.get(pk=event.pk).status == Status.SUBMITTED
    response = signed_in.post(url("submit", event), follow=True)
    assert response.status_code == 200
    assert last_message(response) == german("This event has already been submitted or published.")
    assert [m.tags for m in response.context["messages"]][-1] == "info"

    signed_in.post(url("withdraw", event))
    assert Event.objects.get(pk=event.pk).status == Status.DRAFT
    response = signed_in.post(url("withdraw", event), follow=True)
    assert last_message(response) == german("This event is not waiting for review.")


def test_cancelling_asks_first_and_keeps_the_message(signed_in, organization):
    event = event_of(organization, status=Status.PUBLISHED, start=soon(8))
    response = signed_in.get(url("cancel", event))
    assert response.status_code == 200
    assert 'name="message"' in response.content.decode()
    assert Event.objects.get(pk=event.pk).status == Status.PUBLISHED

    signed_in.post(url("cancel", event), {"message": "Der Saal ist überflutet."})
    event.refresh_from_db()
    assert event.status == Status.CANCELLED
    assert history(event).first().message == "Der Saal ist überflutet."
    response = signed_in.post(url("cancel", event), {"message": ""}, follow=True)
    assert last_message(response) == german(
        "“%(title)s” has already been cancelled.", title=event.title
    )


def test_postponing_moves_a_single_event(signed_in, organization):
    event = event_of(
        organization,
        status=Status.PUBLISHED,
        start=berlin(2026, 12, 5, 17),
        end=berlin(2026, 12, 5, 19),
    )
    response = signed_in.get(url("postpone", event))
    assert response.context["form"]["start_date"].value() == dt.date(2026, 12, 5)

    response = signed_in.post(
        url("postpone", event),
        {"start_date": "2026-12-12", "start_time": "18:00", "end_time": "17:00"},
    )
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["end_time"]
    assert 'href="#id_end_time"' in response.content.decode()
    assert Event.objects.get(pk=event.pk).status == Status.PUBLISHED

    signed_in.post(
        url("postpone", event),
        {"start_date": "2026-12-12", "start_time": "18:00", "end_time": "20:00"},
    )
    event.refresh_from_db()
    assert event.status == Status.POSTPONED
    assert localize(event.start) == berlin(2026, 12, 12, 18)
    assert localize(event.previous_start) == berlin(2026, 12, 5, 17)


def test_a_series_is_not_postponed(signed_in, organization):
    event = event_of(organization, status=Status.PUBLISHED, recurrence_rule="FREQ=WEEKLY;COUNT=4")
    response = signed_in.get(url("postpone", event))
    assert 'name="start_date"' not in response.content.decode()
    response = signed_in.post(
        url("postpone", event),
        {"start_date": "2026-12-12", "start_time": "18:00", "end_time": "20:00"},
        follow=True,
    )
    assert messages_of(response) == [
        german("A series is not postponed as a whole: change its dates in the form.")
    ]
    assert Event.objects.get(pk=event.pk).status == Status.PUBLISHED


def test_deleting_a_draft_asks_first_and_a_second_click_is_told(signed_in, organization):
    event = event_of(organization, title="Verworfen")
    assert signed_in.get(url("delete", event)).status_code == 200
    assert Event.objects.filter(pk=event.pk).exists()
    signed_in.post(url("delete", event))
    assert not Event.objects.filter(pk=event.pk).exists()
    assert not Occurrence.objects.filter(event_id=event.pk).exists()
    response = signed_in.post(url("delete", event), follow=True)
    assert response.status_code == 200
    assert last_message(response) == german("The event has already been deleted.")


def test_a_published_event_is_not_deleted(signed_in, organization):
    event = event_of(organization, status=Status.PUBLISHED)
    response = signed_in.post(url("delete", event), follow=True)
    assert Event.objects.filter(pk=event.pk).exists()
    assert messages_of(response) == [
        german("Only drafts can be deleted; cancel a published event instead.")
    ]


# --- Without an account --------------------------------------------------------------


@pytest.fixture
def open_submissions():
    settings_row = SiteSettings.load()
    settings_row.anonymous_submissions = True
    settings_row.save()


def anonymous_data(place, **overrides):
    data = form_data(OrganizationFactory.build(pk=0), place, organizers=None, visibility=None)
    data.update(
        submitter_name="Greta Brandt",
        submitter_email="greta@example.org",
        wants_decision="on",
        homepage="",
    )
    data.update(overrides)
    return data


def test_the_submission_without_account_is_off_by_default(client):
    assert client.get(url("submit-anonymously")).status_code == 404


def test_an_event_sent_without_account_waits_for_the_confirmed_address(
    client, open_submissions, place
):
    content = client.get(url("submit-anonymously")).content.decode()
    assert 'name="organizers"' not in content
    assert 'class="visually-hidden-field"' in content

    response = client.post(url("submit-anonymously"), anonymous_data(place))
    assert response.status_code == 200
    assert "greta@example.org" in page(response)
    event = Event.objects.get()
    assert event.status == Status.DRAFT
    assert event.submitter_email == "greta@example.org"
    assert event.submitter_wants_decision
    (message,) = mail.outbox
    confirm_path = re.search(r"https?://\S*/bestaetigen/\S+", message.body).group(0)
    confirm_path = confirm_path.removeprefix("https://quartiersnetz.example")

    # Opening the link (as a mail scanner does) confirms nothing.
    response = client.get(confirm_path)
    assert response.status_code == 200
    assert "<form" in response.content.decode()
    assert Event.objects.get().status == Status.DRAFT

    response = client.post(confirm_path)
    assert response.status_code == 200
    assert Event.objects.get().status == Status.SUBMITTED
    response = client.post(confirm_path)
    assert response.status_code == 200
    assert german("You have already confirmed this event; it is with the editors.") in page(
        response
    )
    assert client.post(confirm_path[:-3] + "xx/").status_code == 400


def test_an_expired_confirmation_link_is_explained(client, open_submissions, place, monkeypatch):
    four_days_ago = time.time() - 4 * 24 * 3600
    with monkeypatch.context() as patch:
        patch.setattr(time, "time", lambda: four_days_ago)
        client.post(url("submit-anonymously"), anonymous_data(place))
    confirm_path = re.search(r"https?://\S*/bestaetigen/\S+", mail.outbox[0].body).group(0)
    response = client.post(confirm_path.removeprefix("https://quartiersnetz.example"))
    assert response.status_code == 400
    assert Event.objects.get().status == Status.DRAFT


def test_the_bot_trap_saves_nothing(client, open_submissions, place):
    response = client.post(url("submit-anonymously"), anonymous_data(place, homepage="http://spam"))
    assert response.status_code == 200
    assert not Event.objects.exists()
    assert not mail.outbox


def test_five_submissions_an_hour_per_address(client, open_submissions, place):
    for _ in range(5):
        ratelimit.allow("event-submission", "127.0.0.1", 5, 3600)
    response = client.post(url("submit-anonymously"), anonymous_data(place, title="Mein Fest"))
    assert response.status_code == 429
    assert 'value="Mein Fest"' in response.content.decode()
    assert not Event.objects.exists()


def test_organisers_are_sent_to_the_normal_form(signed_in, open_submissions):
    response = signed_in.get(url("submit-anonymously"))
    assert response.status_code == 302
    assert response["Location"] == url("create")


def test_the_submitter_stops_the_decision_mails(client, organization, open_submissions, place):
    event = workflow.create_anonymous_submission(
        Event(title="Flohmarkt", start=soon(5), end=soon(5, 21), place=place),
        name="Greta",
        email="greta@example.org",
        wants_decision=True,
    )
    token = signing.dumps(event.pk, salt=workflow.STOP_MAILS_SALT)
    path = reverse("events:stop-submitter-mails", kwargs={"token": token})
    assert client.get(path).status_code == 200
    assert Event.objects.get(pk=event.pk).submitter_wants_decision
    assert client.post(path).status_code == 200
    assert not Event.objects.get(pk=event.pk).submitter_wants_decision
    assert client.post(path[:-3] + "xx/").status_code == 400


def test_a_forged_link_is_explained_as_soon_as_it_is_opened(client):
    response = client.get(reverse("events:confirm-submission", kwargs={"token": "gefaelscht"}))
    assert response.status_code == 400
    assert german("This confirmation link is not valid.") in page(response)
    assert "<form" not in response.content.decode().split("<main")[1]
    response = client.get(reverse("events:stop-submitter-mails", kwargs={"token": "x"}))
    assert response.status_code == 400
    assert german("This link is not valid.") in page(response)


def test_an_invalid_edit_shows_the_stored_title_above_the_input(signed_in, organization, place):
    event = event_of(organization, title="Skatabend", place=place)
    response = signed_in.post(
        url("edit", event), edit_data(event, title="Skat mit Ida", end_time="10:00")
    )
    assert response.status_code == 400
    content = page(response)
    assert re.search(r"<h1>[^<]*Skatabend</h1>", content)
    assert 'value="Skat mit Ida"' in content
    assert Event.objects.get(pk=event.pk).title == "Skatabend"


def test_my_events_offers_the_decisions_by_mail_until_the_person_asked_for_them(client, organiser):
    client.force_login(organiser)
    notifications_url = reverse("accounts:notifications")
    assert f'href="{notifications_url}"' in client.get(url("mine")).content.decode()

    subscribe(organiser, "review_results")

    assert f'href="{notifications_url}"' not in client.get(url("mine")).content.decode()
