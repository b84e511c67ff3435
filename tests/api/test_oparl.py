"""The OParl 1.1 read API: every object type at its id and in its list, the required
fields of the OParl 1.1 schema, paging, the date filters, tombstones and CORS."""

import datetime as dt
import json

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.translation import gettext

from quartiersnetz.api.oparl.objects import agenda_numbers
from quartiersnetz.conferences.domain import agenda, meetings
from quartiersnetz.conferences.domain.deletion import delete_meeting
from quartiersnetz.conferences.models import (
    AgendaItem,
    Attachment,
    Meeting,
    Minutes,
    Registration,
)
from quartiersnetz.core.activity import history
from quartiersnetz.events.models import Event
from quartiersnetz.organizations.models import Organization
from tests.factories import (
    AgendaItemFactory,
    ConferenceFactory,
    ConferenceMembershipFactory,
    MeetingFactory,
    OrganizationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SCHEMA = "https://schema.oparl.org/1.1/"
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"

# The required properties of the OParl 1.1 schema (schema.oparl.org/1.1, "ZWINGEND"):
# id and type everywhere, created and modified on every object since 1.1 (chapter
# "Änderungen in OParl 1.1"), and the type's own.
REQUIRED = {
    "System": {"id", "type", "oparlVersion", "body", "created", "modified"},
    "Body": {
        "id",
        "type",
        "name",
        "organization",
        "person",
        "meeting",
        "paper",
        "legislativeTerm",
        "created",
        "modified",
    },
    "Organization": {"id", "type", "created", "modified"},
    "Person": {"id", "type", "created", "modified"},
    "Membership": {"id", "type", "organization", "created", "modified"},
    "Meeting": {"id", "type", "created", "modified"},
    "AgendaItem": {"id", "type", "created", "modified"},
    "File": {"id", "type", "accessUrl", "created", "modified"},
    "Location": {"id", "type", "created", "modified"},
}
# What a deleted object keeps (chapter "Gelöschte Objekte").
TOMBSTONE = {"id", "type", "created", "modified", "deleted"}
# The lists a Body names, by the type of their objects.
BODY_LISTS = {
    "organization": "Organization",
    "person": "Person",
    "membership": "Membership",
    "meeting": "Meeting",
    "agendaItem": "AgendaItem",
    "file": "File",
    "locationList": "Location",
}
EMPTY_LISTS = ("paper", "consultation", "legislativeTermList")


def path_of(address):
    assert address.startswith(settings.SITE_URL), address
    return address[len(settings.SITE_URL) :]


def fetch(client, address, status=200, **params):
    """The JSON at an OParl address; every answer carries the CORS header."""
    response = client.get(path_of(address), params)
    assert response.status_code == status, response.content
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def type_name(obj):
    assert obj["type"].startswith(SCHEMA), obj
    return obj["type"][len(SCHEMA) :]


def check_required(obj):
    """The object and the objects embedded in it have the required fields of their type."""
    name = type_name(obj)
    if obj.get("deleted"):
        assert set(obj) == TOMBSTONE, obj
        return
    missing = REQUIRED[name] - set(obj)
    assert not missing, f"{name} lacks {missing}: {obj}"
    for key in ("location", "invitation", "resultsProtocol"):
        if key in obj and isinstance(obj[key], dict):
            check_required(obj[key])
    for key in ("agendaItem", "auxiliaryFile", "membership"):
        for embedded in obj.get(key, []) if isinstance(obj.get(key), list) else []:
            if isinstance(embedded, dict):
                check_required(embedded)


def whole_list(client, address, **params):
    """Every object of a list, following links.next."""
    objects = []
    page = fetch(client, address, **params)
    while True:
        assert set(page) >= {"data", "pagination", "links"}
        objects.extend(page["data"])
        if "next" not in page["links"]:
            return objects
        page = fetch(client, page["links"]["next"])


def root(client):
    return fetch(client, settings.SITE_URL + "/oparl/v1/")


def body_of(client):
    bodies = fetch(client, root(client)["body"])["data"]
    assert len(bodies) == 1
    return bodies[0]


def attach(item, title):
    attachment = Attachment(
        agenda_item=item,
        title=title,
        file=SimpleUploadedFile(f"{title}.pdf", PDF),
        content_type="application/pdf",
        size=len(PDF),
    )
    attachment.save()
    return attachment


@pytest.fixture
def world():
    """Holthausen's conference under the umbrella round: a public meeting with a public
    and an internal agenda, files and published minutes, a members-only meeting, a member
    who agreed to be named and one who did not."""
    umbrella = ConferenceFactory(name="Dachrunde", kind="umbrella")
    holthausen = ConferenceFactory(name="Stadtteilkonferenz Holthausen")
    hwg = OrganizationFactory(name="hwg eG", type=Organization.Type.HOUSING)
    anna = ConferenceMembershipFactory(
        conference=holthausen,
        user=None,
        name="Anna Offen",
        email="anna@example.org",
        phone="02324 1234",
        on_behalf_of=hwg,
        show_contact=True,
    )
    bernd = ConferenceMembershipFactory(
        conference=holthausen,
        user=None,
        name="Bernd Verborgen",
        email="bernd@example.org",
        phone="02324 9999",
        show_contact=False,
        role="moderator",
    )
    now = timezone.now()
    meeting = MeetingFactory(
        conference=holthausen,
        title="Frühjahrssitzung",
        state=Meeting.State.HELD,
        invited_at=now,
        room="Saal 2",
    )
    square = AgendaItemFactory(meeting=meeting, position=1, title="Der Platz an der Kirche")
    staff = AgendaItemFactory(meeting=meeting, position=2, title="Personalien", is_public=False)
    AgendaItemFactory(meeting=meeting, parent=staff, position=1, title="Bewerbung Hausmeister")
    festival = AgendaItemFactory(meeting=meeting, position=3, title="Stadtteilfest")
    stage = AgendaItemFactory(meeting=meeting, parent=festival, position=1, title="Bühne")
    AgendaItemFactory(
        meeting=meeting, parent=festival, position=2, title="Kassenbericht", is_public=False
    )
    square.decision = "Die hwg lädt zur Begehung ein."
    square.save()
    attach(square, "Lageplan")
    attach(staff, "Bewerbungsmappe")
    Minutes.objects.create(meeting=meeting, state=Minutes.State.PUBLISHED, published_at=now)
    closed = MeetingFactory(conference=holthausen, title="Interne Klausur", is_public=False)
    AgendaItemFactory(meeting=closed, title="Klausurthema")
    return {
        "umbrella": umbrella,
        "holthausen": holthausen,
        "hwg": hwg,
        "anna": anna,
        "bernd": bernd,
        "meeting": meeting,
        "square": square,
        "stage": stage,
        "closed": closed,
    }


# --- Reachable, listed, complete ---------------------------------------------------------


def test_system_and_body_name_every_list_and_have_the_required_fields(client, world):
    system = root(client)
    check_required(system)
    assert system["oparlVersion"] == SCHEMA
    assert type_name(system) == "System"
    body = body_of(client)
    check_required(body)
    assert body["name"] == settings.TOWN_NAME
    assert fetch(client, body["id"]) == body
    assert body["legislativeTerm"] == []
    for name in (*BODY_LISTS, *EMPTY_LISTS):
        page = fetch(client, body[name])
        assert set(page) == {"data", "pagination", "links"}
    for name in EMPTY_LISTS:
        assert fetch(client, body[name])["data"] == []


def test_every_object_type_is_listed_and_reachable_at_its_id(client, world):
    body = body_of(client)
    seen = set()
    for list_name, expected_type in BODY_LISTS.items():
        objects = whole_list(client, body[list_name])
        assert objects, list_name
        for obj in objects:
            assert type_name(obj) == expected_type
            check_required(obj)
            assert fetch(client, obj["id"]) == obj
            seen.add(expected_type)
    assert seen == set(BODY_LISTS.values())


def test_conferences_are_organizations_under_the_umbrella_round(client, world):
    holthausen = fetch(
        client,
        settings.SITE_URL + f"/oparl/v1/organization/conference/{world['holthausen'].pk}/",
    )
    umbrella = fetch(client, holthausen["subOrganizationOf"])
    assert umbrella["name"] == "Dachrunde"
    assert "subOrganizationOf" not in umbrella
    assert holthausen["organizationType"] == "Gremium"
    assert holthausen["classification"] == "Stadtteilkonferenz"
    meetings_of_holthausen = whole_list(client, holthausen["meeting"])
    assert [m["name"] for m in meetings_of_holthausen] == ["Frühjahrssitzung"]
    memberships = [fetch(client, address) for address in holthausen["membership"]]
    assert {m["role"] for m in memberships} == {"Mitglied", "Moderation"}


def test_membership_on_behalf_of_points_to_the_organisation(client, world):
    membership = fetch(client, settings.SITE_URL + f"/oparl/v1/membership/{world['anna'].pk}/")
    organisation = fetch(client, membership["onBehalfOf"])
    assert organisation["name"] == "hwg eG"
    assert organisation["organizationType"] == "Sonstiges"
    assert organisation["classification"] == "Wohnungswirtschaft"
    person = fetch(client, membership["person"])
    assert person["name"] == "Anna Offen"
    assert person["email"] == ["anna@example.org"]
    assert person["phone"] == ["02324 1234"]
    assert person["membership"][0]["id"] == membership["id"]


def test_only_people_who_agreed_are_persons(client, world):
    body = body_of(client)
    persons = whole_list(client, body["person"])
    assert [p["name"] for p in persons] == ["Anna Offen"]
    fetch(client, settings.SITE_URL + f"/oparl/v1/person/{world['bernd'].pk}/", status=404)
    membership = fetch(client, settings.SITE_URL + f"/oparl/v1/membership/{world['bernd'].pk}/")
    assert "person" not in membership
    assert membership["role"] == "Moderation"


def test_meeting_has_state_files_location_and_the_public_agenda(client, world):
    meeting = world["meeting"]
    data = fetch(client, settings.SITE_URL + f"/oparl/v1/meeting/{meeting.pk}/")
    assert data["name"] == "Frühjahrssitzung"
    assert data["meetingState"] == "durchgeführt"
    assert "cancelled" not in data
    assert data["room"] == "Saal 2"
    assert data["invitation"]["accessUrl"].endswith(
        f"/konferenzen/{meeting.conference.slug}/sitzungen/{meeting.pk}/einladung.pdf"
    )
    assert data["resultsProtocol"]["accessUrl"].endswith(f"/sitzungen/{meeting.pk}/protokoll.pdf")
    location = data["location"]
    assert location["streetAddress"] == "Im Bruchfeld 17"
    assert location["postalCode"] == "45525"
    assert location["geojson"]["geometry"] == {
        "type": "Point",
        "coordinates": [7.2236, 51.3931],
    }
    numbered = [(item["number"], item["name"]) for item in data["agendaItem"]]
    # Internal items keep their numbers; the public agenda skips them.
    assert numbered == [("1", "Der Platz an der Kirche"), ("3", "Stadtteilfest"), ("3.1", "Bühne")]
    square = data["agendaItem"][0]
    assert square["resolutionText"] == "Die hwg lädt zur Begehung ein."
    assert [f["name"] for f in square["auxiliaryFile"]] == ["Lageplan"]
    assert square["auxiliaryFile"][0]["accessUrl"].endswith(
        f"/konferenzen/anhang/{Attachment.objects.get(title='Lageplan').pk}/"
    )
    assert fetch(client, square["id"]) == square
    assert data["organization"] == [
        settings.SITE_URL + f"/oparl/v1/organization/conference/{meeting.conference_id}/"
    ]


def test_agenda_numbers_are_those_of_the_agenda_pages(world):
    meeting = world["meeting"]
    items = list(AgendaItem.objects.filter(meeting=meeting).order_by("position", "pk"))
    expected = {
        entry.item.pk: entry.number for entry in agenda.numbered_items(meeting, public_only=True)
    }
    assert {pk: number for pk, (number, _order) in agenda_numbers(items).items()} == expected


def test_no_minutes_file_before_they_are_published(client, world):
    meeting = world["meeting"]
    Minutes.objects.filter(meeting=meeting).update(state=Minutes.State.APPROVED)
    data = fetch(client, settings.SITE_URL + f"/oparl/v1/meeting/{meeting.pk}/")
    assert "resultsProtocol" not in data
    assert all("resolutionText" not in item for item in data["agendaItem"])
    fetch(client, settings.SITE_URL + f"/oparl/v1/file/minutes/{meeting.pk}/", status=404)


def test_private_things_never_appear(client, world):
    """Members-only meetings, internal agenda items and their files, and the contact
    details of people who did not agree are nowhere in the API."""
    body = body_of(client)
    everything = json.dumps(
        [whole_list(client, body[name]) for name in BODY_LISTS], ensure_ascii=False
    )
    for secret in (
        "Interne Klausur",
        "Klausurthema",
        "Personalien",
        "Bewerbung Hausmeister",
        "Kassenbericht",
        "Bewerbungsmappe",
        "Bernd Verborgen",
        "bernd@example.org",
        "02324 9999",
    ):
        assert secret not in everything
    assert "Frühjahrssitzung" in everything
    closed = world["closed"]
    fetch(client, settings.SITE_URL + f"/oparl/v1/meeting/{closed.pk}/", status=404)
    internal = AgendaItem.objects.get(title="Personalien")
    fetch(client, settings.SITE_URL + f"/oparl/v1/agendaitem/{internal.pk}/", status=404)
    sub = AgendaItem.objects.get(title="Bewerbung Hausmeister")
    fetch(client, settings.SITE_URL + f"/oparl/v1/agendaitem/{sub.pk}/", status=404)
    hidden = Attachment.objects.get(title="Bewerbungsmappe")
    fetch(client, settings.SITE_URL + f"/oparl/v1/file/attachment/{hidden.pk}/", status=404)


def test_an_inactive_conference_is_a_tombstone_and_its_meetings_are_gone(client, world):
    holthausen = world["holthausen"]
    holthausen.is_active = False
    holthausen.save()
    data = fetch(client, settings.SITE_URL + f"/oparl/v1/organization/conference/{holthausen.pk}/")
    assert data["deleted"] is True
    assert set(data) == TOMBSTONE
    fetch(client, settings.SITE_URL + f"/oparl/v1/meeting/{world['meeting'].pk}/", status=404)
    assert whole_list(client, body_of(client)["person"]) == []


# --- Paging and filters ------------------------------------------------------------------


def test_lists_are_paged_with_links_next(client, settings):
    settings.OPARL_PAGE_SIZE = 2
    conference = ConferenceFactory()
    created = {MeetingFactory(conference=conference, title=f"Sitzung {n}").pk for n in range(5)}
    address = body_of(client)["meeting"]
    first = fetch(client, address)
    assert first["pagination"] == {
        "totalElements": 5,
        "elementsPerPage": 2,
        "currentPage": 1,
        "totalPages": 3,
    }
    assert "prev" not in first["links"]
    assert first["links"]["next"].endswith("/oparl/v1/meeting/?page=2")
    pages = [first]
    while "next" in pages[-1]["links"]:
        pages.append(fetch(client, pages[-1]["links"]["next"]))
    assert [len(page["data"]) for page in pages] == [2, 2, 1]
    assert pages[-1]["links"]["prev"].endswith("page=2")
    ids = [obj["id"] for page in pages for obj in page["data"]]
    assert {int(i.rstrip("/").rsplit("/", 1)[1]) for i in ids} == created
    assert len(ids) == len(set(ids)) == 5


def test_lists_of_several_kinds_are_paged_across_them(client, settings, world):
    settings.OPARL_PAGE_SIZE = 1
    body = body_of(client)
    organizations = whole_list(client, body["organization"])
    names = [o["name"] for o in organizations]
    # The organisations members come for are Organizations too.
    expected = [
        "Dachrunde",
        "Stadtteilkonferenz Holthausen",
        "hwg eG",
        str(world["bernd"].on_behalf_of),
    ]
    assert sorted(names) == sorted(expected)
    files = whole_list(client, body["file"])
    with translation.override(settings.LANGUAGE_CODE):
        invitation = gettext("Invitation: %(meeting)s") % {"meeting": "Frühjahrssitzung"}
        minutes = gettext("Minutes: %(meeting)s") % {"meeting": "Frühjahrssitzung"}
    assert sorted(f["name"] for f in files) == sorted([invitation, minutes, "Lageplan"])


def test_filters_are_kept_in_the_page_links(client, settings):
    settings.OPARL_PAGE_SIZE = 1
    conference = ConferenceFactory()
    MeetingFactory.create_batch(2, conference=conference)
    address = body_of(client)["meeting"]
    page = fetch(client, address, created_since="2020-01-01T00:00:00+01:00")
    assert "created_since=2020-01-01T00%3A00%3A00%2B01%3A00" in page["links"]["next"]
    assert len(whole_list(client, address, created_since="2020-01-01T00:00:00+01:00")) == 2


def _at(year, month, day):
    return dt.datetime(year, month, day, 12, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("parameter", "value", "expected"),
    [
        ("created_since", "2026-02-01T00:00:00+01:00", {"neu"}),
        ("created_until", "2026-02-01T00:00:00+01:00", {"alt"}),
        ("modified_since", "2026-03-01T00:00:00+01:00", {"alt"}),
        ("modified_until", "2026-03-01T00:00:00+01:00", {"neu"}),
        # Without an offset: local time.
        ("created_since", "2026-02-01T00:00:00", {"neu"}),
        # An offset whose "+" was not URL-encoded arrives as a space.
        ("modified_since", "2026-03-01T00:00:00 01:00", {"alt"}),
    ],
)
def test_the_four_date_filters(client, parameter, value, expected):
    conference = ConferenceFactory()
    old = MeetingFactory(conference=conference, title="alt")
    new = MeetingFactory(conference=conference, title="neu")
    # created in January, changed in April / created in February, unchanged since.
    Meeting.objects.filter(pk=old.pk).update(
        created_at=_at(2026, 1, 10), updated_at=_at(2026, 4, 1)
    )
    Meeting.objects.filter(pk=new.pk).update(
        created_at=_at(2026, 2, 10), updated_at=_at(2026, 2, 10)
    )
    objects = whole_list(client, body_of(client)["meeting"], **{parameter: value})
    assert {obj["name"] for obj in objects} == expected


def test_filters_apply_to_every_list(client, world):
    body = body_of(client)
    for name in (*BODY_LISTS, *EMPTY_LISTS):
        assert fetch(client, body[name], created_since="2999-01-01T00:00:00+01:00")["data"] == []


@pytest.mark.parametrize("value", ["gestern", "2026-13-45T00:00:00", "2026-01-01T25:00:00", ""])
def test_a_bad_date_is_a_400_with_a_json_error(client, value):
    data = fetch(client, settings.SITE_URL + "/oparl/v1/meeting/", status=400, modified_since=value)
    assert "modified_since" in data["message"]
    fetch(client, settings.SITE_URL + "/oparl/v1/meeting/", status=400, page="null")


# --- Deleted meetings --------------------------------------------------------------------


def test_a_deleted_meeting_is_a_tombstone(client, world):
    meeting = world["meeting"]
    Meeting.objects.filter(pk=meeting.pk).update(state=Meeting.State.CANCELLED)
    meeting.refresh_from_db()
    delete_meeting(meeting, UserFactory(is_moderator=True))
    address = settings.SITE_URL + f"/oparl/v1/meeting/{meeting.pk}/"
    data = fetch(client, address)
    assert set(data) == TOMBSTONE
    assert data["deleted"] is True
    assert data["id"] == address
    assert type_name(data) == "Meeting"
    assert data["modified"] >= data["created"]
    listed = whole_list(client, body_of(client)["meeting"])
    assert data in listed
    # Its agenda items and files go with it.
    square = fetch(client, settings.SITE_URL + f"/oparl/v1/agendaitem/{world['square'].pk}/")
    assert set(square) == TOMBSTONE
    invitation = fetch(client, settings.SITE_URL + f"/oparl/v1/file/invitation/{meeting.pk}/")
    assert invitation["deleted"] is True
    # A client that synchronises with modified_since learns of the deletion.
    since = (timezone.now() - dt.timedelta(minutes=1)).isoformat()
    changed = whole_list(client, body_of(client)["meeting"], modified_since=since)
    assert [obj["id"] for obj in changed] == [address]
    # Everywhere else it is gone.
    assert not Meeting.objects.filter(pk=meeting.pk).exists()
    response = client.get(meeting.get_absolute_url())
    assert response.status_code == 404


def test_deleting_removes_the_calendar_entry_and_is_logged(world):
    meeting = MeetingFactory(
        conference=world["holthausen"], state=Meeting.State.INVITED, invited_at=timezone.now()
    )
    event = meetings.sync_calendar_event(meeting)
    assert event is not None
    moderator = UserFactory(is_moderator=True)
    meetings.cancel_meeting(meeting, "Der Saal ist belegt.", moderator)
    assert Event.objects.filter(pk=event.pk).exists()
    delete_meeting(meeting, moderator)
    assert not Event.objects.filter(pk=event.pk).exists()
    stored = Meeting.with_deleted.get(pk=meeting.pk)
    assert stored.deleted_at is not None
    assert stored.event_id is None
    assert history(stored).first().action == "deleted"


def test_only_planned_or_cancelled_meetings_can_be_deleted(world):
    moderator = UserFactory(is_moderator=True)
    with pytest.raises(ValidationError):
        delete_meeting(world["meeting"], moderator)  # held
    invited = MeetingFactory(
        conference=world["holthausen"], state=Meeting.State.PLANNED, invited_at=timezone.now()
    )
    with pytest.raises(ValidationError):
        delete_meeting(invited, moderator)
    signed_up = MeetingFactory(conference=world["holthausen"])
    Registration.objects.create(
        meeting=signed_up, name="Clara", email="clara@example.org", status="confirmed"
    )
    with pytest.raises(ValidationError):
        delete_meeting(signed_up, moderator)
    planned = MeetingFactory(conference=world["holthausen"])
    delete_meeting(planned, moderator)
    with pytest.raises(ValidationError):
        delete_meeting(planned, moderator)
    assert Meeting.objects.filter(pk__in=[invited.pk, signed_up.pk]).count() == 2


# --- CORS, errors, queries ---------------------------------------------------------------


def test_preflight_and_errors_carry_cors(client, world):
    response = client.options(
        "/oparl/v1/meeting/",
        HTTP_ORIGIN="https://ratsinfo.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response["Access-Control-Allow-Methods"]
    fetch(client, settings.SITE_URL + "/oparl/v1/meeting/999999/", status=404)
    fetch(client, settings.SITE_URL + "/oparl/v1/gibt-es-nicht/", status=404)
    fetch(client, settings.SITE_URL + "/oparl/v1/organization/verein/1/", status=404)
    response = client.post("/oparl/v1/meeting/", {})
    assert response.status_code == 405
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "message" in response.json()


def test_no_cookie_is_needed_or_set(client, world):
    response = client.get("/oparl/v1/meeting/")
    assert response.status_code == 200
    assert not response.cookies


def _add_meeting(conference, n):
    organisation = OrganizationFactory()
    ConferenceMembershipFactory(
        conference=conference, user=None, on_behalf_of=organisation, show_contact=True
    )
    meeting = MeetingFactory(
        conference=conference,
        title=f"Sitzung {n}",
        state=Meeting.State.HELD,
        invited_at=timezone.now(),
    )
    item = AgendaItemFactory(meeting=meeting)
    AgendaItemFactory(meeting=meeting, parent=item)
    attach(item, f"Anhang {n}")
    Minutes.objects.create(meeting=meeting, state="published", published_at=timezone.now())


def _queries_per_list(client):
    body = body_of(client)
    counts = {}
    for name in BODY_LISTS:
        with CaptureQueriesContext(connection) as captured:
            fetch(client, body[name])
        counts[name] = len(captured)
    return counts


def test_lists_take_the_same_number_of_queries_for_one_or_three_items(client):
    conference = ConferenceFactory()
    _add_meeting(conference, 1)
    one = _queries_per_list(client)
    _add_meeting(conference, 2)
    _add_meeting(conference, 3)
    three = _queries_per_list(client)
    assert one == three
