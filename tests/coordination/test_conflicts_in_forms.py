"""Where organisers meet the conflict engine: the hold and event forms show what competes
with the dates (htmx while typing, the view again on submit), a serious conflict asks for
a reason, saving opens an agreement with the other organisation, and better dates are
offered."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse

from quartiersnetz.accounts.notifications import subscribe
from quartiersnetz.coordination.models import Agreement, DateHold
from quartiersnetz.core.timeutil import local_today
from quartiersnetz.events.models import Event
from tests.factories import (
    DistrictFactory,
    EventFactory,
    MembershipFactory,
    OrganizationFactory,
    PlaceFactory,
    berlin,
)

pytestmark = pytest.mark.django_db


def saturday_in(weeks):
    today = local_today()
    return today + dt.timedelta(days=(5 - today.weekday()) % 7 + 7 * weeks)


@pytest.fixture
def blankenstein():
    return DistrictFactory(
        name="Blankenstein", slug="blankenstein", latitude="51.395000", longitude="7.224000"
    )


@pytest.fixture
def heimatverein():
    return OrganizationFactory(name="Heimatverein Blankenstein e.V.")


@pytest.fixture
def bg():
    return OrganizationFactory(name="Bürgergesellschaft Blankenstein e.V.")


@pytest.fixture
def organiser(bg):
    return MembershipFactory(organization=bg, user__email="bg@example.org").user


@pytest.fixture
def market_day():
    return saturday_in(10)


@pytest.fixture
def market(blankenstein, heimatverein, market_day):
    place = PlaceFactory(name="Burg Blankenstein", district=blankenstein)
    return EventFactory(
        title="Blankensteiner Weihnachtsmarkt",
        organizers=[heimatverein],
        place=place,
        start=berlin(market_day.year, market_day.month, market_day.day, 11),
        end=berlin(market_day.year, market_day.month, market_day.day, 20),
        expected_attendance=5000,
    )


def hold_data(organization, district, first_day, **overrides):
    data = {
        "organization": organization.pk,
        "title": "Adventsbasar",
        "first_day": first_day.isoformat(),
        "last_day": (first_day + dt.timedelta(days=1)).isoformat(),
        "district": district.pk,
        "audience": "everyone",
        "expected_attendance": "800",
        "visibility": "organisers",
    }
    data.update(overrides)
    return data


def test_the_fragment_names_what_competes_and_says_when_it_is_serious(
    client, organiser, blankenstein, market, market_day
):
    client.force_login(organiser)
    response = client.get(
        reverse("coordination:conflicts"),
        {
            "first_day": market_day.isoformat(),
            "last_day": (market_day + dt.timedelta(days=1)).isoformat(),
            "district": blankenstein.pk,
            "expected_attendance": "800",
        },
        headers={"HX-Request": "true"},
    )
    content = response.content.decode()
    assert "<html" not in content  # a fragment for the form's live region
    assert "Blankensteiner Weihnachtsmarkt" in content
    assert "5.000" in content
    assert "Grund" in content  # serious: a reason will be asked for
    assert reverse("coordination:suggestions") in content
    assert "weekends_only=on" in content  # a weekend is compared with weekends first


def test_a_half_typed_form_gets_no_error_just_no_answer_yet(client, organiser):
    client.force_login(organiser)
    response = client.get(reverse("coordination:conflicts"), {"first_day": "2027-13-45"})
    assert response.status_code == 200
    assert "Datum" in response.content.decode()


def test_a_serious_conflict_needs_a_reason_and_then_opens_an_agreement(
    client, organiser, bg, heimatverein, blankenstein, market, market_day
):
    other = MembershipFactory(organization=heimatverein, user__email="hv@example.org").user
    subscribe(other, "date_conflicts")
    client.force_login(organiser)

    refused = client.post(
        reverse("coordination:hold-create"), hold_data(bg, blankenstein, market_day)
    )
    assert refused.status_code == 400
    assert "Blankensteiner Weihnachtsmarkt" in refused.content.decode()
    assert refused.context["form"].has_error("justification")
    assert not DateHold.objects.exists()

    client.post(
        reverse("coordination:hold-create"),
        hold_data(
            bg, blankenstein, market_day, justification="Der Basar ist seit 1990 an diesem Tag."
        ),
    )
    hold = DateHold.objects.get()
    agreement = Agreement.objects.get()
    assert (agreement.hold, agreement.other_event) == (hold, market)
    (message,) = mail.outbox
    assert message.to == ["hv@example.org"]
    assert "seit 1990" in message.body
    assert "bg@example.org" not in message.body


def test_better_weekends_are_offered_and_taken_into_the_form(
    client, organiser, bg, blankenstein, market, market_day
):
    client.force_login(organiser)
    params = hold_data(bg, blankenstein, market_day)
    response = client.get(reverse("coordination:suggestions"), {**params, "weekends_only": "on"})
    suggestions = response.context["suggestions"]
    assert suggestions
    assert all(suggestion.first_day != market_day for suggestion, _url in suggestions)
    assert all(suggestion.first_day.weekday() == 5 for suggestion, _url in suggestions)
    # The hold's two days stay two days.
    assert all(
        suggestion.last_day == suggestion.first_day + dt.timedelta(days=1)
        for suggestion, _url in suggestions
    )

    suggestion, take_url = suggestions[0]
    form = client.get(take_url).context["form"]
    assert form.initial["first_day"] == suggestion.first_day
    assert form.initial["last_day"] == suggestion.last_day
    assert form.initial["title"] == "Adventsbasar"
    assert form.initial["district"] == blankenstein.pk


def test_the_event_form_asks_for_a_reason_for_the_same_place_at_the_same_time(
    client, organiser, bg, market, market_day
):
    client.force_login(organiser)
    data = {
        "form_key": "7c1a4f9e-6d53-4bd1-9a27-3f0e5b8c2d41",
        "title": "Adventskonzert",
        "start_date": market_day.isoformat(),
        "start_time": "18:00",
        "end_time": "19:30",
        "repeat": "none",
        "repeat_interval": "1",
        "repeat_monthly_by": "weekday",
        "place": market.place_id,
        "organizers": [bg.pk],
        "audience": "everyone",
        "visibility": "public",
        "save": "",
    }

    refused = client.post(reverse("events:create"), data)
    assert refused.status_code == 400
    assert refused.context["form"].has_error("conflict_justification")
    assert "Blankensteiner Weihnachtsmarkt" in refused.content.decode()

    client.post(
        reverse("events:create"),
        {**data, "conflict_justification": "Das Konzert ist Teil des Marktes."},
    )
    event = Event.objects.get(title="Adventskonzert")
    assert event.conflict_justification == "Das Konzert ist Teil des Marktes."
    page = client.get(reverse("events:edit", args=[event.pk])).content.decode()
    assert re.search(r'hx-get="/terminabstimmung/pruefen/"', page)


def test_editors_and_organisers_read_the_reason_for_keeping_a_date(
    client, organiser, bg, heimatverein, blankenstein, market, market_day
):
    client.force_login(organiser)
    client.post(
        reverse("coordination:hold-create"),
        hold_data(bg, blankenstein, market_day, justification="Seit 1990 an diesem Tag."),
    )
    hold = DateHold.objects.get()
    client.force_login(MembershipFactory(organization=heimatverein).user)
    assert "Seit 1990 an diesem Tag." in client.get(hold.get_absolute_url()).content.decode()

    event = EventFactory(
        organizers=[bg], status="submitted", conflict_justification="Teil des Marktes."
    )
    client.force_login(MembershipFactory(organization=bg, user__is_editor=True).user)
    review = client.get(reverse("events:review", args=[event.pk])).content.decode()
    assert "Teil des Marktes." in review


def test_dates_longer_than_an_event_may_last_are_not_checked(client, organiser):
    client.force_login(organiser)
    response = client.get(
        reverse("coordination:conflicts"),
        {"start_date": "2027-01-01", "end_date": "2099-12-31", "all_day": "on"},
    )
    assert response.context["checked"] is False
