"""Absprache: a clash with another organisation's plans opens a conversation between both
organisations; email addresses stay hidden unless the writer chooses to show theirs."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from quartiersnetz.accounts.notifications import subscribe
from quartiersnetz.coordination import agreements
from quartiersnetz.coordination.engine import Booking, Conflict, Severity
from quartiersnetz.coordination.models import Agreement, AgreementMessage
from tests.factories import (
    DateHoldFactory,
    EventFactory,
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
    berlin,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def blankenstein():
    return OrganizationFactory(name="Bürgergesellschaft Blankenstein e.V.")


@pytest.fixture
def heimatverein():
    return OrganizationFactory(name="Heimatverein Hattingen e.V.")


@pytest.fixture
def market(heimatverein):
    return EventFactory(
        title="Blankensteiner Weihnachtsmarkt",
        organizers=[heimatverein],
        start=berlin(2026, 11, 28, 11),
        end=berlin(2026, 11, 28, 20),
        expected_attendance=5000,
    )


def conflict_with(event, severity=Severity.HIGH, organizations=None):
    booking = Booking(
        kind="event",
        key=f"event:{event.pk}",
        title=event.title,
        start=event.start,
        end=event.end,
        all_day=False,
        place_id=event.place_id,
        district_id=event.place.district_id,
        audience="everyone",
        attendance=event.expected_attendance,
        organization_ids=frozenset(organizations or event.organizers.values_list("pk", flat=True)),
        tentative=False,
    )
    return Conflict(
        kind="same_district",
        severity=severity,
        weight=40,
        message="Selber Tag, selber Stadtteil: Blankensteiner Weihnachtsmarkt, ca. 5.000 Besucher",
        day=dt.date(2026, 11, 28),
        booking=booking,
    )


def test_a_clash_opens_one_agreement_and_tells_the_other_organisation(
    blankenstein, heimatverein, market
):
    planner = MembershipFactory(organization=blankenstein).user
    other = MembershipFactory(organization=heimatverein, user__email="hv@example.org").user
    MembershipFactory(organization=heimatverein)  # did not ask for mails
    subscribe(other, "date_conflicts")
    hold = DateHoldFactory(
        organization=blankenstein,
        title="Adventsbasar",
        justification="Der Basar findet seit 30 Jahren an diesem Tag statt.",
    )

    opened = agreements.record_conflicts(hold, [conflict_with(market)], planner)
    again = agreements.record_conflicts(hold, [conflict_with(market)], planner)

    (agreement,) = opened
    assert again == []
    assert set(agreement.organizations.all()) == {blankenstein, heimatverein}
    assert (agreement.hold, agreement.other_event) == (hold, market)
    (message,) = mail.outbox
    assert message.to == ["hv@example.org"]
    assert "Adventsbasar" in message.body
    assert "seit 30 Jahren" in message.body
    assert agreement.get_absolute_url() in message.body
    assert planner.email not in message.body


def test_low_conflicts_and_the_organisations_own_plans_open_nothing(blankenstein, market):
    hold = DateHoldFactory(organization=blankenstein)
    own_event = EventFactory(organizers=[blankenstein])

    assert agreements.record_conflicts(hold, [conflict_with(market, Severity.LOW)], None) == []
    assert agreements.record_conflicts(hold, [conflict_with(own_event)], None) == []
    assert not Agreement.objects.exists()


def test_both_sides_write_and_only_a_shared_address_is_shown(
    client, blankenstein, heimatverein, market
):
    planner = MembershipFactory(organization=blankenstein, user__email="bg@example.org").user
    other = MembershipFactory(organization=heimatverein, user__email="hv@example.org").user
    subscribe(planner, "date_conflicts")
    (agreement,) = agreements.record_conflicts(
        DateHoldFactory(organization=blankenstein), [conflict_with(market)], planner
    )
    url = agreement.get_absolute_url()

    client.force_login(other)
    response = client.post(
        url,
        {"organization": heimatverein.pk, "text": "Können wir über den 2. Advent reden?"},
        follow=True,
    )
    assert "2. Advent" in response.content.decode()
    assert "hv@example.org" not in response.content.decode()
    assert mail.outbox[-1].to == ["bg@example.org"]

    client.force_login(planner)
    client.post(
        url,
        {"organization": blankenstein.pk, "text": "Gern, rufen Sie an.", "share_email": "on"},
    )
    client.force_login(other)
    page = client.get(url).content.decode()
    assert 'href="mailto:bg@example.org"' in page
    assert "hv@example.org" not in page
    assert AgreementMessage.objects.count() == 2


def test_others_cannot_read_or_write_and_nobody_writes_for_a_foreign_organisation(
    client, blankenstein, heimatverein, market
):
    (agreement,) = agreements.record_conflicts(
        DateHoldFactory(organization=blankenstein), [conflict_with(market)], None
    )
    url = agreement.get_absolute_url()
    outsider = MembershipFactory().user
    client.force_login(outsider)
    assert client.get(url).status_code == 403
    assert client.post(url, {"organization": blankenstein.pk, "text": "Hallo"}).status_code == 403

    member = MembershipFactory(organization=heimatverein).user
    client.force_login(member)
    response = client.post(url, {"organization": blankenstein.pk, "text": "Im Namen der BG"})
    assert response.status_code == 400
    assert not AgreementMessage.objects.exists()

    client.force_login(UserFactory(is_editor=True))
    assert "Bürgergesellschaft" in client.get(url).content.decode()

    client.logout()
    assert client.get(url).status_code == 302


def test_the_list_shows_my_organisations_agreements_only(
    client, blankenstein, heimatverein, market
):
    agreements.record_conflicts(
        DateHoldFactory(organization=blankenstein, title="Adventsbasar"),
        [conflict_with(market)],
        None,
    )
    client.force_login(MembershipFactory(organization=blankenstein).user)
    assert "Weihnachtsmarkt" in client.get(reverse("coordination:agreements")).content.decode()
    client.force_login(MembershipFactory().user)
    assert "Weihnachtsmarkt" not in client.get(reverse("coordination:agreements")).content.decode()
