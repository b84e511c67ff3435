"""Date holds in the domain: create, edit, release and convert them, the activity log,
the queries others read (active_holds, public_holds) and who may do what."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError

from quartiersnetz.coordination import holds
from quartiersnetz.coordination.models import CoordinationSettings, DateHold
from quartiersnetz.core.activity import history
from quartiersnetz.core.models import ActivityLog
from quartiersnetz.core.timeutil import local_today
from tests.factories import (
    CategoryFactory,
    DateHoldFactory,
    DistrictFactory,
    EventFactory,
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def days(offset):
    return local_today() + dt.timedelta(days=offset)


@pytest.fixture
def organization():
    return OrganizationFactory(name="Heimatverein Welper e.V.", slug="heimatverein-welper")


@pytest.fixture
def organiser(organization):
    return MembershipFactory(organization=organization, user__email="ida@example.org").user


@pytest.fixture
def district():
    return DistrictFactory(name="Welper", slug="welper")


def new_hold(organization, district, **fields):
    values = {
        "organization": organization,
        "title": "Sommerfest am Bruchfeld",
        "first_day": days(60),
        "last_day": days(61),
        "district": district,
        "expected_attendance": 1500,
        "expires_on": days(30),
    }
    values.update(fields)
    return DateHold(**values)


def actions_of(hold):
    return [entry.action for entry in history(hold)]


# --- Creating ------------------------------------------------------------------------


def test_creating_a_hold_saves_it_for_its_organisation_and_logs_what_was_held(
    organization, organiser, district
):
    music = CategoryFactory(name="Musik")
    hold = new_hold(organization, district)

    hold, created = holds.create_hold(
        hold, actor=organiser, save_related=lambda: hold.categories.set([music])
    )

    assert created
    stored = DateHold.objects.get(pk=hold.pk)
    assert stored.created_by == organiser
    assert list(stored.categories.all()) == [music]
    entry = history(stored).get()
    assert entry.action == holds.Action.CREATED
    assert entry.actor == organiser
    assert entry.changes["title"] == ["", "Sommerfest am Bruchfeld"]
    assert entry.changes["first_day"] == ["", days(60).isoformat()]
    assert entry.changes["categories"] == ["", "Musik"]


def test_the_same_hold_sent_twice_is_saved_once(organization, organiser, district):
    first, created = holds.create_hold(new_hold(organization, district), actor=organiser)
    again, created_again = holds.create_hold(new_hold(organization, district), actor=organiser)

    assert created
    assert not created_again
    assert again.pk == first.pk
    assert DateHold.objects.count() == 1
    assert ActivityLog.objects.count() == 1


def test_two_people_holding_the_same_days_make_two_holds(organization, organiser, district):
    colleague = MembershipFactory(organization=organization).user
    holds.create_hold(new_hold(organization, district), actor=organiser)
    holds.create_hold(new_hold(organization, district), actor=colleague)
    assert DateHold.objects.count() == 2


def test_a_hold_longer_than_the_maximum_is_refused(organization, organiser, district):
    with pytest.raises(ValidationError) as error:
        holds.create_hold(new_hold(organization, district, last_day=days(60 + 14)), actor=organiser)
    assert "last_day" in error.value.message_dict
    assert not DateHold.objects.exists()


# --- Editing -------------------------------------------------------------------------


def test_an_edit_logs_each_changed_field_with_before_and_after(organization, organiser, district):
    hold = DateHoldFactory(organization=organization, district=district, title="Sommerfest")
    hold.title = "Sommerfest mit Flohmarkt"
    hold.expected_attendance = 2500

    changes = holds.update_hold(hold, actor=organiser)

    assert changes == {
        "title": ["Sommerfest", "Sommerfest mit Flohmarkt"],
        "expected_attendance": ["800", "2500"],
    }
    entry = history(hold).get()
    assert (entry.action, entry.actor, entry.changes) == (holds.Action.EDITED, organiser, changes)


def test_saving_without_a_change_logs_nothing(organization, organiser):
    hold = DateHoldFactory(organization=organization)
    assert holds.update_hold(hold, actor=organiser) == {}
    assert not history(hold).exists()


def test_a_hold_that_became_an_event_is_not_edited_any_more(organization, organiser):
    hold = DateHoldFactory(organization=organization, title="Sommerfest")
    holds.convert_hold_to_event(hold, EventFactory(organizers=[organization]), actor=organiser)
    hold.title = "Anders"
    with pytest.raises(ValidationError) as error:
        holds.update_hold(hold, actor=organiser)
    assert error.value.code == "converted"
    assert DateHold.objects.get(pk=hold.pk).title == "Sommerfest"


# --- Releasing -----------------------------------------------------------------------


def test_releasing_deletes_the_hold_and_the_log_keeps_its_name(organization, organiser):
    hold = DateHoldFactory(organization=organization, title="Herbstmarkt")
    pk = hold.pk

    holds.release_hold(hold, actor=organiser)

    assert not DateHold.objects.filter(pk=pk).exists()
    entry = ActivityLog.objects.get(object_id=pk, action=holds.Action.RELEASED)
    assert entry.object_label == "Herbstmarkt"
    assert entry.actor == organiser
    assert entry.changes["title"] == ["Herbstmarkt", ""]


def test_releasing_twice_says_the_hold_is_gone(organization, organiser):
    hold = DateHoldFactory(organization=organization)
    holds.release_hold(hold, actor=organiser)
    with pytest.raises(ValidationError) as error:
        holds.release_hold(hold, actor=organiser)
    assert error.value.code == "gone"


def test_a_hold_that_became_an_event_is_not_released(organization, organiser):
    hold = DateHoldFactory(organization=organization)
    holds.convert_hold_to_event(hold, EventFactory(), actor=organiser)
    with pytest.raises(ValidationError):
        holds.release_hold(hold, actor=organiser)
    assert DateHold.objects.filter(pk=hold.pk).exists()


# --- Converting ----------------------------------------------------------------------


def test_converting_links_the_event_and_logs_it(organization, organiser):
    hold = DateHoldFactory(organization=organization)
    event = EventFactory(title="Sommerfest 2027", organizers=[organization])

    holds.convert_hold_to_event(hold, event, actor=organiser)

    stored = DateHold.objects.get(pk=hold.pk)
    assert stored.event == event
    assert holds.state_of(stored, local_today()) == holds.State.CONVERTED
    entry = history(stored).get()
    assert entry.action == holds.Action.CONVERTED
    assert entry.changes == {"event": ["", "Sommerfest 2027"]}


def test_a_hold_becomes_only_one_event_and_an_event_comes_from_only_one_hold(
    organization, organiser
):
    hold, other = DateHoldFactory(organization=organization), DateHoldFactory()
    event = EventFactory()
    holds.convert_hold_to_event(hold, event, actor=organiser)

    with pytest.raises(ValidationError) as error:
        holds.convert_hold_to_event(hold, EventFactory(), actor=organiser)
    assert error.value.code == "converted"
    with pytest.raises(ValidationError) as error:
        holds.convert_hold_to_event(other, event, actor=organiser)
    assert error.value.code == "event_taken"
    assert DateHold.objects.get(pk=hold.pk).event == event
    assert DateHold.objects.get(pk=other.pk).event is None


# --- Reading -------------------------------------------------------------------------


def test_active_holds_are_those_neither_expired_nor_converted():
    today = local_today()
    until_today = DateHoldFactory(title="bis heute", expires_on=today)
    expired = DateHoldFactory(title="abgelaufen", expires_on=today - dt.timedelta(days=1))
    converted = DateHoldFactory(title="Veranstaltung geworden", event=EventFactory())

    active = set(holds.active_holds(today))

    assert until_today in active
    assert expired not in active
    assert converted not in active
    assert holds.state_of(expired, today) == holds.State.EXPIRED
    assert holds.state_of(until_today, today) == holds.State.ACTIVE
    # Tomorrow the hold that counted until today is free again.
    assert until_today not in holds.active_holds(today + dt.timedelta(days=1))


def test_public_holds_are_the_active_public_ones():
    today = local_today()
    public = DateHoldFactory(visibility=DateHold.Visibility.PUBLIC)
    DateHoldFactory(visibility=DateHold.Visibility.ORGANISERS)
    DateHoldFactory(visibility=DateHold.Visibility.PUBLIC, expires_on=today - dt.timedelta(days=1))
    DateHoldFactory(visibility=DateHold.Visibility.PUBLIC, event=EventFactory())
    assert list(holds.public_holds(today)) == [public]


def test_changed_settings_are_logged(organiser):
    admin = UserFactory(is_superuser=True)
    row = CoordinationSettings.load()
    row.weight_bridge_day = 0
    changes = holds.update_settings(row, actor=admin)
    assert changes == {"weight_bridge_day": ["5", "0"]}
    assert CoordinationSettings.load().weight_bridge_day == 0
    assert history(row).get().changes == changes


# --- Who may do what -----------------------------------------------------------------


@pytest.fixture
def people(organization):
    member_b = MembershipFactory(organization=OrganizationFactory(name="Sportverein")).user
    return {
        "anonymous": AnonymousUser(),
        "citizen": UserFactory(),
        "member_a": MembershipFactory(organization=organization).user,
        "member_b": member_b,
        "moderator": UserFactory(is_moderator=True),
        "editor": UserFactory(is_editor=True),
        "admin": UserFactory(is_superuser=True),
    }


ROLES = ("anonymous", "citizen", "member_a", "member_b", "moderator", "editor", "admin")


def allowed(people, permission, obj=None):
    return {role for role in ROLES if people[role].has_perm(permission, obj)}


def test_organisers_and_editors_hold_dates(people):
    expected = {"member_a", "member_b", "editor", "admin"}
    assert allowed(people, "coordination.create_hold") == expected
    assert allowed(people, "coordination.view_holds") == expected


def test_only_the_holding_organisation_and_editors_manage_a_hold(people, organization):
    hold = DateHoldFactory(organization=organization)
    assert allowed(people, "coordination.manage_hold", hold) == {"member_a", "editor", "admin"}


def test_organisers_see_each_others_holds_and_the_public_only_public_ones(people, organization):
    internal = DateHoldFactory(organization=organization)
    public = DateHoldFactory(organization=organization, visibility=DateHold.Visibility.PUBLIC)
    expired_public = DateHoldFactory(
        organization=organization,
        visibility=DateHold.Visibility.PUBLIC,
        expires_on=local_today() - dt.timedelta(days=1),
    )
    organisers = {"member_a", "member_b", "editor", "admin"}
    assert allowed(people, "coordination.view_hold", internal) == organisers
    assert allowed(people, "coordination.view_hold", public) == set(ROLES)
    assert allowed(people, "coordination.view_hold", expired_public) == organisers


def test_only_administrators_change_the_settings(people):
    assert allowed(people, "coordination.change_settings") == {"admin"}


def test_an_inactive_member_manages_nothing(organization):
    hold = DateHoldFactory(organization=organization)
    member = MembershipFactory(organization=organization).user
    member.is_active = False
    member.save(update_fields=["is_active"])
    assert not member.has_perm("coordination.manage_hold", hold)
    assert not member.has_perm("coordination.create_hold")
