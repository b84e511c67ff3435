"""The date hold pages: the organisers' list, the form, a hold's page, releasing it,
turning it into an event, and the public "save the date" pages; who may do what."""

import datetime as dt
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from quartiersnetz.coordination import holds
from quartiersnetz.coordination.models import DateHold
from quartiersnetz.core import ratelimit
from quartiersnetz.core.activity import history
from quartiersnetz.core.models import ActivityLog, SiteSettings
from quartiersnetz.core.timeutil import local_today
from quartiersnetz.events.models import Event, Status
from tests.factories import (
    CategoryFactory,
    DateHoldFactory,
    DistrictFactory,
    EventFactory,
    MembershipFactory,
    OrganizationFactory,
    PlaceFactory,
    UserFactory,
)
from tests.helpers import german, page

pytestmark = pytest.mark.django_db


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def days(offset):
    return local_today() + dt.timedelta(days=offset)


def url(name, hold=None):
    return reverse(f"coordination:{name}", kwargs={"pk": hold.pk} if hold else None)


def is_login_redirect(response):
    return response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


@pytest.fixture
def welper():
    return DistrictFactory(name="Welper", slug="welper")


@pytest.fixture
def org_a(welper):
    return OrganizationFactory(
        name="Heimatverein Welper e.V.", slug="heimatverein-welper", district=welper
    )


@pytest.fixture
def org_b():
    return OrganizationFactory(name="Bürgergesellschaft Blankenstein", slug="bg-blankenstein")


@pytest.fixture
def member_a(org_a):
    return MembershipFactory(organization=org_a, user__email="ida@example.org").user


@pytest.fixture
def member_b(org_b):
    return MembershipFactory(organization=org_b, user__email="bruno@example.org").user


@pytest.fixture
def citizen():
    return UserFactory(email="carla@example.org")


@pytest.fixture
def editor():
    return UserFactory(email="editor@example.org", is_editor=True)


@pytest.fixture
def hold_a(org_a, welper):
    return DateHoldFactory(
        organization=org_a,
        district=welper,
        title="Sommerfest am Bruchfeld",
        first_day=days(60),
        last_day=days(61),
        expires_on=days(30),
        expected_attendance=5000,
        note="Mit Bühne auf dem Marktplatz.",
    )


def signed_in(client, user):
    client.force_login(user)
    return client


def hold_data(organization, in_district, **overrides):
    data = {
        "organization": str(organization.pk),
        "title": "Sommerfest am Bruchfeld",
        "first_day": days(60).isoformat(),
        "last_day": days(61).isoformat(),
        "district": str(in_district.pk),
        "place": "",
        "audience": "everyone",
        "expected_attendance": "1500",
        "note": "Mit Bühne.",
        "visibility": "organisers",
        "expires_on": "",
    }
    data.update(overrides)
    return data


def form_errors(response):
    return {name: list(errors) for name, errors in response.context["form"].errors.items()}


# --- The organisers' list ------------------------------------------------------------


def test_the_list_needs_a_sign_in(client):
    assert is_login_redirect(client.get(url("holds")))


def test_someone_without_organisation_is_told_how_to_join_one_and_sees_no_holds(
    client, citizen, hold_a
):
    response = signed_in(client, citizen).get(url("holds"))
    assert response.status_code == 200
    content = page(response)
    assert german("How to hold a date") in content
    assert hold_a.title not in content


def test_the_list_shows_own_holds_by_state_and_what_others_plan(
    client, member_a, org_a, org_b, hold_a, welper
):
    expired = DateHoldFactory(organization=org_a, title="Alter Plan", expires_on=days(-3))
    converted = DateHoldFactory(
        organization=org_a,
        title="Weihnachtsmarkt-Vormerkung",
        event=EventFactory(title="Weihnachtsmarkt Welper", organizers=[org_a]),
    )
    DateHoldFactory(
        organization=org_b,
        title="Burgfest Blankenstein",
        first_day=days(40),
        last_day=days(40),
        expires_on=days(20),
        expected_attendance=3000,
    )
    DateHoldFactory(organization=org_b, title="Abgelaufen bei B", expires_on=days(-1))
    DateHoldFactory(organization=org_b, title="Weit weg", first_day=days(400))

    response = signed_in(client, member_a).get(url("holds"))

    assert response.status_code == 200
    sections = {
        section["key"]: [row.hold.title for row in section["rows"]]
        for section in response.context["sections"]
    }
    assert sections == {
        "active": ["Sommerfest am Bruchfeld"],
        "converted": ["Weihnachtsmarkt-Vormerkung"],
        "expired": ["Alter Plan"],
    }
    assert [hold.title for hold in response.context["others"]] == ["Burgfest Blankenstein"]
    content = page(response)
    assert "Abgelaufen bei B" not in content
    assert "Weit weg" not in content
    assert "Weihnachtsmarkt Welper" in content  # what the converted hold became
    assert f'<time datetime="{hold_a.first_day.isoformat()}">' in content
    assert url("hold-edit", hold_a) in content
    assert url("hold-release", hold_a) in content
    assert f"{reverse('events:create')}?hold={hold_a.pk}" in content
    assert url("hold-edit", converted) not in content
    assert url("hold-edit", expired) in content  # to extend it
    assert german("tentatively held until", "date hold status") in content


def test_an_editor_sees_every_organisations_holds_among_the_others(client, editor, hold_a, org_b):
    DateHoldFactory(organization=org_b, title="Burgfest Blankenstein", first_day=days(10))
    response = signed_in(client, editor).get(url("holds"))
    assert [hold.title for hold in response.context["others"]] == [
        "Burgfest Blankenstein",
        "Sommerfest am Bruchfeld",
    ]


# With the navigation's check whether the person moderates a conference (base.html).
LIST_QUERIES = 11


def _list_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url("holds"))
    assert response.status_code == 200
    return len(queries)


def test_the_list_needs_the_same_number_of_queries_for_one_or_three_holds(
    client, member_a, org_a, org_b
):
    SiteSettings.load()  # created on the first page view otherwise
    signed_in(client, member_a)
    DateHoldFactory(organization=org_a, event=EventFactory(organizers=[org_a]))
    DateHoldFactory(organization=org_b)
    # Session, user, the two permissions' membership queries, own organisations, their
    # holds with organisation, district and event, the others' holds, site settings and
    # the base template's permissions (2): the same literal count for one hold of each
    # kind and for three.
    assert _list_queries(client) == LIST_QUERIES
    for offset in (1, 2):
        DateHoldFactory(organization=org_a, first_day=days(90 + offset))
        DateHoldFactory(organization=org_a, expires_on=days(-offset))
        DateHoldFactory(organization=org_a, event=EventFactory(organizers=[org_a]))
        DateHoldFactory(organization=org_b, first_day=days(30 + offset))
    assert _list_queries(client) == LIST_QUERIES


# --- Creating ------------------------------------------------------------------------


def test_the_form_is_only_for_organisers_and_editors(client, citizen, member_b, editor):
    assert is_login_redirect(client.get(url("hold-create")))
    assert signed_in(client, citizen).get(url("hold-create")).status_code == 403
    assert signed_in(client, member_b).get(url("hold-create")).status_code == 200
    assert signed_in(client, editor).get(url("hold-create")).status_code == 200


def test_the_form_offers_own_organisations_and_prefills_the_only_one(
    client, member_a, org_a, org_b, welper
):
    response = signed_in(client, member_a).get(url("hold-create"))
    form = response.context["form"]
    assert list(form.fields["organization"].queryset) == [org_a]
    assert form["organization"].value() == org_a.pk
    assert form["district"].value() == welper.pk  # the organisation's district
    assert form["visibility"].value() == DateHold.Visibility.ORGANISERS
    content = page(response)
    assert '<div id="conflicts"' in content
    assert german("Hold the days") in content


def test_the_form_takes_days_and_district_from_the_address(client, member_a):
    blankenstein = DistrictFactory(name="Blankenstein", slug="blankenstein")
    response = signed_in(client, member_a).get(
        url("hold-create") + f"?first_day={days(80)}&last_day={days(81)}&district=blankenstein"
    )
    form = response.context["form"]
    assert form["first_day"].value() == days(80)
    assert form["last_day"].value() == days(81)
    assert form["district"].value() == blankenstein.pk


def test_an_editor_chooses_among_all_organisations(client, editor, org_a, org_b):
    form = signed_in(client, editor).get(url("hold-create")).context["form"]
    assert set(form.fields["organization"].queryset) == {org_a, org_b}


def test_holding_days_saves_the_hold_and_shows_it(client, member_a, org_a, welper):
    music = CategoryFactory(name="Musik")
    place = PlaceFactory(name="Marktplatz Welper", district=welper)
    response = signed_in(client, member_a).post(
        url("hold-create"),
        hold_data(org_a, welper, place=str(place.pk), categories=[str(music.pk)]),
        follow=True,
    )

    hold = DateHold.objects.get()
    assert response.redirect_chain[-1][0] == url("hold", hold)
    assert (hold.organization, hold.created_by, hold.place) == (org_a, member_a, place)
    assert (hold.first_day, hold.last_day) == (days(60), days(61))
    assert hold.expires_on == days(60)  # empty "hold until": up to the first day
    assert list(hold.categories.all()) == [music]
    assert actions_of(hold) == [holds.Action.CREATED]
    assert german(
        "“%(title)s” is held: %(days)s, until %(until)s. Other organisers see the hold now.",
        days=german("%(first)s to %(last)s", first=_date(days(60)), last=_date(days(61))),
        title="Sommerfest am Bruchfeld",
        until=_date(days(60)),
    ) in messages_of(response)


def _date(day):
    with translation.override("de"):
        return date_format(day)


def actions_of(hold):
    return [entry.action for entry in history(hold)]


def test_a_single_day_needs_no_last_day(client, member_a, org_a, welper):
    signed_in(client, member_a).post(url("hold-create"), hold_data(org_a, welper, last_day=""))
    hold = DateHold.objects.get()
    assert hold.last_day == hold.first_day == days(60)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"last_day": days(59).isoformat()},
            "last_day",
            "The last day cannot be before the first day.",
        ),
        (
            {"last_day": days(60 + 14).isoformat()},
            "last_day",
            ("A hold covers at most %(days)s days.", {"days": 14}),
        ),
        (
            {"expires_on": days(62).isoformat()},
            "expires_on",
            "A hold cannot last beyond its own last day.",
        ),
        (
            {"expires_on": days(-1).isoformat()},
            "expires_on",
            "This day is in the past. Choose today or a later day.",
        ),
        (
            {"first_day": days(-3).isoformat(), "last_day": days(-2).isoformat()},
            "last_day",
            "These days are in the past: a hold reserves days to come.",
        ),
        ({"district": ""}, "district", "Choose the district where the event takes place."),
        ({"title": ""}, "title", None),
        ({"first_day": "31.02.2027"}, "first_day", None),
        ({"expected_attendance": "0"}, "expected_attendance", None),
    ],
)
def test_wrong_input_is_explained_at_the_field_and_nothing_is_saved(
    client, member_a, org_a, welper, overrides, field, message
):
    response = signed_in(client, member_a).post(
        url("hold-create"), hold_data(org_a, welper, **overrides)
    )
    assert response.status_code == 400
    errors = form_errors(response)
    assert list(errors) == [field]
    if message:
        text, params = message if isinstance(message, tuple) else (message, {})
        assert errors[field] == [german(text, **params)]
    assert german("Nothing has been saved yet.") in page(response)
    assert f'href="#id_{field}"' in page(response)  # the error summary links the field
    assert not DateHold.objects.exists()


def test_a_hold_cannot_reach_decades_ahead(client, member_a, org_a, welper):
    far = days(365 * 7)
    response = signed_in(client, member_a).post(
        url("hold-create"),
        hold_data(org_a, welper, first_day=far.isoformat(), last_day=far.isoformat()),
    )
    assert response.status_code == 400
    assert list(form_errors(response)) == ["first_day"]


def test_a_place_in_another_district_is_refused(client, member_a, org_a, welper):
    elsewhere = PlaceFactory(
        name="Burg Blankenstein", district=DistrictFactory(name="Blankenstein")
    )
    response = signed_in(client, member_a).post(
        url("hold-create"), hold_data(org_a, welper, place=str(elsewhere.pk))
    )
    assert response.status_code == 400
    assert form_errors(response) == {
        "place": [
            german(
                "%(place)s lies in %(district)s. Choose that district or another place.",
                place="Burg Blankenstein",
                district="Blankenstein",
            )
        ]
    }


def test_an_organiser_cannot_hold_days_for_another_organisation(client, member_a, org_b, welper):
    response = signed_in(client, member_a).post(url("hold-create"), hold_data(org_b, welper))
    assert response.status_code == 400
    assert list(form_errors(response)) == ["organization"]
    assert not DateHold.objects.exists()


def test_the_form_sent_twice_saves_one_hold(client, member_a, org_a, welper):
    signed_in(client, member_a)
    client.post(url("hold-create"), hold_data(org_a, welper))
    response = client.post(url("hold-create"), hold_data(org_a, welper), follow=True)
    hold = DateHold.objects.get()
    assert response.redirect_chain[-1][0] == url("hold", hold)
    assert german(
        "This form had already been sent: the hold has been saved only once."
    ) in messages_of(response)


def test_many_holds_within_an_hour_are_refused_with_the_input_kept(client, member_a, org_a, welper):
    for _number in range(30):
        ratelimit.allow("hold-create", member_a.pk, 30, 3600)
    response = signed_in(client, member_a).post(url("hold-create"), hold_data(org_a, welper))
    assert response.status_code == 429
    assert german("Too many date holds at once") in page(response)
    assert response.context["form"]["title"].value() == "Sommerfest am Bruchfeld"
    assert not DateHold.objects.exists()


# --- A hold's page -------------------------------------------------------------------


def test_the_organisation_sees_its_hold_with_actions_and_history(client, member_a, hold_a):
    holds.update_hold(hold_a, actor=member_a)  # nothing changed: not logged
    hold_a.title = "Sommerfest 2027"
    holds.update_hold(hold_a, actor=member_a)
    response = signed_in(client, member_a).get(url("hold", hold_a))
    assert response.status_code == 200
    content = page(response)
    assert "Sommerfest 2027" in content
    assert "Mit Bühne auf dem Marktplatz." in content
    assert url("hold-edit", hold_a) in content
    assert url("hold-release", hold_a) in content
    assert f"{reverse('events:create')}?hold={hold_a.pk}" in content
    assert german("changed the hold") in content
    assert f'<time datetime="{hold_a.expires_on.isoformat()}">' in content


def test_another_organisation_sees_the_hold_without_actions_or_history(client, member_b, hold_a):
    response = signed_in(client, member_b).get(url("hold", hold_a))
    assert response.status_code == 200
    content = page(response)
    assert "Sommerfest am Bruchfeld" in content
    assert "Mit Bühne auf dem Marktplatz." in content
    assert url("hold-edit", hold_a) not in content
    assert url("hold-release", hold_a) not in content
    assert response.context["log"] is None


def test_an_organisers_only_hold_does_not_exist_for_citizens(client, citizen, hold_a):
    assert is_login_redirect(client.get(url("hold", hold_a)))
    assert signed_in(client, citizen).get(url("hold", hold_a)).status_code == 404


def test_a_citizen_following_a_public_hold_gets_its_public_page(client, citizen, hold_a):
    hold_a.visibility = DateHold.Visibility.PUBLIC
    hold_a.save()
    response = signed_in(client, citizen).get(url("hold", hold_a))
    assert response.status_code == 302
    assert response["Location"] == url("public-hold", hold_a)


def test_an_expired_hold_says_so(client, member_a, org_a):
    hold = DateHoldFactory(organization=org_a, expires_on=days(-2))
    content = page(signed_in(client, member_a).get(url("hold", hold)))
    assert german("expired, was held until", "date hold status") in content
    assert german("This hold has expired: the days no longer count as taken.") in content


def test_a_converted_hold_links_the_event(client, member_a, member_b, org_a):
    event = EventFactory(title="Sommerfest Welper", organizers=[org_a], status=Status.DRAFT)
    hold = DateHoldFactory(organization=org_a, event=event)
    content = page(signed_in(client, member_a).get(url("hold", hold)))
    assert german("became an event:", "date hold status") in content
    assert reverse("events:preview", kwargs={"pk": event.pk}) in content
    assert url("hold-edit", hold) not in content
    # Other organisations learn nothing of a draft they may not preview.
    content = page(signed_in(client, member_b).get(url("hold", hold)))
    assert german("not published yet") in content
    assert "Sommerfest Welper" not in content
    assert reverse("events:preview", kwargs={"pk": event.pk}) not in content


# --- Editing -------------------------------------------------------------------------


def test_the_organisation_changes_its_hold(client, member_a, org_a, hold_a, welper):
    response = signed_in(client, member_a).post(
        url("hold-edit", hold_a),
        hold_data(org_a, welper, title="Sommerfest mit Flohmarkt", expires_on=days(20)),
    )
    assert response.status_code == 302
    hold_a.refresh_from_db()
    assert hold_a.title == "Sommerfest mit Flohmarkt"
    assert hold_a.expires_on == days(20)
    entry = history(hold_a).get()
    assert entry.changes["title"] == ["Sommerfest am Bruchfeld", "Sommerfest mit Flohmarkt"]


def test_another_organisation_can_neither_open_nor_send_the_edit_form(
    client, member_b, org_b, hold_a, welper
):
    signed_in(client, member_b)
    assert client.get(url("hold-edit", hold_a)).status_code == 403
    response = client.post(url("hold-edit", hold_a), hold_data(org_b, welper, title="Übernommen"))
    assert response.status_code == 403
    hold_a.refresh_from_db()
    assert (hold_a.title, hold_a.organization.name) == (
        "Sommerfest am Bruchfeld",
        "Heimatverein Welper e.V.",
    )
    assert not ActivityLog.objects.exists()


def test_an_expired_hold_can_be_changed_and_extended(client, member_a, org_a, welper):
    hold = DateHoldFactory(
        organization=org_a, district=welper, first_day=days(60), expires_on=days(-5)
    )
    data = hold_data(
        org_a,
        welper,
        title=hold.title,
        first_day=hold.first_day.isoformat(),
        last_day=hold.last_day.isoformat(),
        expires_on=days(-5).isoformat(),
        note="Noch offen.",
    )
    signed_in(client, member_a)
    # Unchanged, the past "hold until" is no error: only a new one must lie ahead.
    assert client.post(url("hold-edit", hold), data).status_code == 302
    assert client.post(url("hold-edit", hold), {**data, "expires_on": days(10)}).status_code == 302
    hold.refresh_from_db()
    assert holds.state_of(hold, local_today()) == holds.State.ACTIVE


def test_a_hold_that_became_an_event_is_not_edited(client, member_a, org_a):
    hold = DateHoldFactory(organization=org_a, event=EventFactory(organizers=[org_a]))
    response = signed_in(client, member_a).get(url("hold-edit", hold), follow=True)
    assert response.redirect_chain[-1][0] == url("hold", hold)
    assert german(
        "This date hold has already become an event: change the event instead."
    ) in messages_of(response)


# --- Releasing -----------------------------------------------------------------------


def test_releasing_asks_first_then_frees_the_days(client, member_a, hold_a):
    signed_in(client, member_a)
    confirmation = client.get(url("hold-release", hold_a))
    assert confirmation.status_code == 200
    assert german("Release the days") in page(confirmation)
    assert DateHold.objects.filter(pk=hold_a.pk).exists()

    response = client.post(url("hold-release", hold_a), follow=True)

    assert response.redirect_chain[-1][0] == url("holds")
    assert not DateHold.objects.filter(pk=hold_a.pk).exists()
    entry = ActivityLog.objects.get(object_id=hold_a.pk, action=holds.Action.RELEASED)
    assert entry.object_label == "Sommerfest am Bruchfeld"
    # A second click finds it released.
    again = client.post(url("hold-release", hold_a), follow=True)
    assert german("The date hold has already been released.") in messages_of(again)


def test_another_organisation_cannot_release_the_hold(client, member_b, hold_a):
    signed_in(client, member_b)
    assert client.get(url("hold-release", hold_a)).status_code == 403
    assert client.post(url("hold-release", hold_a)).status_code == 403
    assert DateHold.objects.filter(pk=hold_a.pk).exists()
    assert not ActivityLog.objects.exists()


def test_an_editor_releases_any_hold(client, editor, hold_a):
    signed_in(client, editor).post(url("hold-release", hold_a))
    assert not DateHold.objects.filter(pk=hold_a.pk).exists()


# --- Turning a hold into an event ----------------------------------------------------


def create_url(hold):
    return f"{reverse('events:create')}?hold={hold.pk}"


def test_the_event_form_is_filled_in_from_the_hold(client, member_a, org_a, welper):
    music = CategoryFactory(name="Musik")
    place = PlaceFactory(name="Marktplatz Welper", district=welper)
    hold = DateHoldFactory(
        organization=org_a,
        district=welper,
        place=place,
        title="Sommerfest",
        first_day=days(60),
        last_day=days(61),
        audience="families",
        expected_attendance=2000,
        categories=[music],
    )
    response = signed_in(client, member_a).get(create_url(hold))
    assert response.status_code == 200
    form = response.context["form"]
    values = {
        name: form[name].value()
        for name in (
            "title",
            "all_day",
            "start_date",
            "end_date",
            "place",
            "audience",
            "expected_attendance",
        )
    }
    assert values == {
        "title": "Sommerfest",
        "all_day": True,
        "start_date": days(60),
        "end_date": days(61),
        "place": place.pk,
        "audience": "families",
        "expected_attendance": 2000,
    }
    assert form["categories"].value() == [music.pk]
    assert form["organizers"].value() == [org_a.pk]


def test_saving_the_event_turns_the_hold_into_it(client, member_a, org_a, welper):
    hold = DateHoldFactory(organization=org_a, district=welper, first_day=days(60))
    place = PlaceFactory(district=welper)
    data = {
        "form_key": str(uuid.uuid4()),
        "title": "Sommerfest Welper",
        "all_day": "on",
        "start_date": days(60).isoformat(),
        "end_date": days(61).isoformat(),
        "repeat": "none",
        "repeat_interval": "1",
        "repeat_monthly_by": "weekday",
        "place": str(place.pk),
        "organizers": [str(org_a.pk)],
        "audience": "everyone",
        "visibility": "public",
    }
    signed_in(client, member_a)
    response = client.post(create_url(hold), data)
    assert response.status_code == 302
    event = Event.objects.get()
    hold.refresh_from_db()
    assert hold.event == event
    assert [entry.action for entry in history(hold)] == [holds.Action.CONVERTED]
    # The same form again: one event, the hold stays with it.
    client.post(create_url(hold), data)
    assert Event.objects.count() == 1
    content = page(client.get(url("hold", hold)))
    assert "Sommerfest Welper" in content
    assert german("became an event:", "date hold status") in content


def test_a_hold_already_converted_keeps_the_second_event_from_being_saved(
    client, member_a, org_a, welper
):
    hold = DateHoldFactory(organization=org_a, district=welper)
    signed_in(client, member_a)
    form = client.get(create_url(hold)).context["form"]
    holds.convert_hold_to_event(hold, EventFactory(organizers=[org_a]), actor=member_a)
    data = {
        "form_key": str(form["form_key"].value()),
        "title": "Zweiter Versuch",
        "all_day": "on",
        "start_date": days(60).isoformat(),
        "repeat": "none",
        "repeat_interval": "1",
        "repeat_monthly_by": "weekday",
        "organizers": [str(org_a.pk)],
        "audience": "everyone",
        "visibility": "public",
    }
    response = client.post(create_url(hold), data)
    assert response.status_code == 400
    assert not Event.objects.filter(title="Zweiter Versuch").exists()
    assert german("This date hold has already become an event: change the event instead.") in page(
        response
    )


def test_only_the_holding_organisation_turns_its_hold_into_an_event(
    client, member_b, citizen, hold_a
):
    assert signed_in(client, member_b).get(create_url(hold_a)).status_code == 403
    assert signed_in(client, citizen).get(create_url(hold_a)).status_code == 403


def test_a_wrong_hold_in_the_address_is_not_found(client, member_a):
    signed_in(client, member_a)
    assert client.get(f"{reverse('events:create')}?hold=abc").status_code == 404
    assert client.get(f"{reverse('events:create')}?hold=999999").status_code == 404


def test_a_converted_hold_leads_from_the_event_form_to_the_hold(client, member_a, org_a):
    hold = DateHoldFactory(organization=org_a, event=EventFactory(organizers=[org_a]))
    response = signed_in(client, member_a).get(create_url(hold))
    assert response.status_code == 302
    assert response["Location"] == url("hold", hold)


# --- Save the date (public) ----------------------------------------------------------


@pytest.fixture
def public_hold(org_a, welper):
    return DateHoldFactory(
        organization=org_a,
        district=welper,
        title="Altstadtfest",
        visibility=DateHold.Visibility.PUBLIC,
        note="Intern: Bühne noch nicht bestellt.",
        expected_attendance=5000,
    )


def test_save_the_date_lists_only_public_active_holds(client, public_hold, hold_a, org_a):
    DateHoldFactory(
        organization=org_a,
        title="Abgelaufen öffentlich",
        visibility=DateHold.Visibility.PUBLIC,
        expires_on=days(-1),
    )
    response = client.get(url("save-the-date"))
    assert response.status_code == 200
    assert list(response.context["holds"]) == [public_hold]
    content = page(response)
    assert "Altstadtfest" in content
    assert "Heimatverein Welper e.V." in content
    assert "Sommerfest am Bruchfeld" not in content
    assert "Abgelaufen öffentlich" not in content


def test_save_the_date_with_a_wrong_page_number_explains_it(client):
    response = client.get(url("save-the-date") + "?page=x")
    assert response.status_code == 400


PUBLIC_LIST_QUERIES = 2


def test_save_the_date_needs_the_same_number_of_queries_for_one_or_three_holds(
    client, public_hold, org_b
):
    SiteSettings.load()

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url("save-the-date")).status_code == 200
        return len(queries)

    # Site settings, the holds with organisation and district: the same literal count.
    assert count() == PUBLIC_LIST_QUERIES
    DateHoldFactory(organization=org_b, visibility=DateHold.Visibility.PUBLIC)
    DateHoldFactory(visibility=DateHold.Visibility.PUBLIC)
    assert count() == PUBLIC_LIST_QUERIES


def test_a_public_hold_has_a_public_page_without_the_organisers_note(client, public_hold):
    response = client.get(url("public-hold", public_hold))
    assert response.status_code == 200
    content = page(response)
    assert "Altstadtfest" in content
    assert f'<time datetime="{public_hold.first_day.isoformat()}">' in content
    assert "Bühne noch nicht bestellt" not in content
    assert "5000" not in content
    assert "5.000" not in content


def test_organisers_only_and_expired_holds_have_no_public_page(client, hold_a, org_a):
    expired = DateHoldFactory(
        organization=org_a, visibility=DateHold.Visibility.PUBLIC, expires_on=days(-1)
    )
    assert client.get(url("public-hold", hold_a)).status_code == 404
    assert client.get(url("public-hold", expired)).status_code == 404
    client.force_login(UserFactory())
    assert client.get(url("public-hold", hold_a)).status_code == 404


def test_a_public_hold_that_became_a_published_event_leads_to_the_event(client, public_hold):
    event = EventFactory(title="Altstadtfest 2027")
    holds.convert_hold_to_event(public_hold, event, actor=None)
    response = client.get(url("public-hold", public_hold))
    assert response.status_code == 302
    assert response["Location"] == event.get_absolute_url()


def test_a_public_hold_that_became_a_draft_is_not_shown(client, public_hold):
    holds.convert_hold_to_event(public_hold, EventFactory(status=Status.DRAFT), actor=None)
    assert client.get(url("public-hold", public_hold)).status_code == 404


# --- The editorial office (Django admin) ---------------------------------------------


def test_editors_change_holds_in_the_admin_and_the_log_records_it(client, editor, hold_a):
    signed_in(client, editor)
    assert client.get(reverse("admin:coordination_datehold_changelist")).status_code == 200
    change_url = reverse("admin:coordination_datehold_change", args=[hold_a.pk])
    form = client.get(change_url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if name in form.fields and value is not None
    }
    data.update(
        organization=hold_a.organization_id,
        district=hold_a.district_id,
        title="Sommerfest (Redaktion)",
        categories=[],
    )
    response = client.post(change_url, data)
    assert response.status_code == 302
    hold_a.refresh_from_db()
    assert hold_a.title == "Sommerfest (Redaktion)"
    entry = history(hold_a).get()
    assert (entry.action, entry.actor) == (holds.Action.EDITED, editor)


def test_a_converted_hold_is_read_only_in_the_admin(client, editor, org_a):
    hold = DateHoldFactory(organization=org_a, event=EventFactory(organizers=[org_a]))
    signed_in(client, editor)
    change_url = reverse("admin:coordination_datehold_change", args=[hold.pk])
    assert client.post(change_url, {"title": "Anders"}).status_code == 403
    delete_url = reverse("admin:coordination_datehold_delete", args=[hold.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert DateHold.objects.filter(pk=hold.pk, event__isnull=False).exists()
