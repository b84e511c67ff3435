"""Conferences and their members: the list, a conference's page, creating and editing a
conference, adding, changing and ending memberships; who may do what."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from quartiersnetz.conferences.domain import conferences as domain
from quartiersnetz.conferences.models import Conference, Membership, Minutes
from quartiersnetz.core.activity import history
from quartiersnetz.core.timeutil import local_today
from tests.factories import (
    ConferenceFactory,
    ConferenceMembershipFactory,
    DistrictFactory,
    MeetingFactory,
    OrganizationFactory,
    UserFactory,
)
from tests.helpers import german, page

pytestmark = pytest.mark.django_db


@pytest.fixture
def holthausen():
    district = DistrictFactory(name="Holthausen", slug="holthausen")
    return ConferenceFactory(name="Stadtteilkonferenz Holthausen", districts=[district])


@pytest.fixture
def moderator(holthausen):
    return ConferenceMembershipFactory(
        conference=holthausen,
        user=UserFactory(email="moderatorin@example.org"),
        name="Mia Moderatorin",
        role="moderator",
    ).user


def test_the_list_shows_active_conferences_with_their_next_public_meeting(client, holthausen):
    meeting = MeetingFactory(conference=holthausen, state="invited")
    MeetingFactory(
        conference=holthausen,
        is_public=False,
        start=meeting.start - dt.timedelta(days=7),
        end=meeting.start - dt.timedelta(days=7, hours=-2),
    )
    ConferenceFactory(name="Alte Runde", is_active=False)
    umbrella = ConferenceFactory(name="Dachrunde", kind="umbrella", districts=[])

    text = page(client.get(reverse("conferences:conferences")))

    assert "Stadtteilkonferenz Holthausen" in text
    assert "Holthausen" in text
    assert umbrella.name in text
    assert "Alte Runde" not in text
    # The next *public* meeting, not the members-only one a week earlier.
    assert f'datetime="{timezone.localtime(meeting.start).isoformat(timespec="minutes")}"' in text
    assert text.count("<time datetime=") == 1


def test_citizens_see_organisations_and_only_the_people_who_agreed(client, holthausen):
    hwg = OrganizationFactory(name="hwg eG")
    ConferenceMembershipFactory(
        conference=holthausen,
        name="Anna Offen",
        on_behalf_of=hwg,
        show_contact=True,
        email="anna@example.org",
    )
    ConferenceMembershipFactory(
        conference=holthausen,
        name="Bernd Still",
        on_behalf_of=OrganizationFactory(name="TuS Holthausen"),
    )
    ConferenceMembershipFactory(
        conference=holthausen, name="Carla Privat", on_behalf_of=None, user=None
    )
    ConferenceMembershipFactory(
        conference=holthausen,
        name="Dora Ehemalig",
        end_date=local_today() - dt.timedelta(days=1),
        start_date=local_today() - dt.timedelta(days=100),
    )

    text = page(client.get(holthausen.get_absolute_url()))

    assert "hwg eG" in text
    assert "TuS Holthausen" in text
    assert "Anna Offen" in text
    assert "anna@example.org" in text
    assert "Bernd Still" not in text
    assert "Carla Privat" not in text
    assert "Dora Ehemalig" not in text


def test_members_see_every_member_and_the_internal_meetings(client, holthausen):
    member = ConferenceMembershipFactory(conference=holthausen, name="Bernd Still")
    internal = MeetingFactory(conference=holthausen, is_public=False, title="Vorbereitungstreffen")
    client.force_login(member.user)

    text = page(client.get(holthausen.get_absolute_url()))

    assert "Bernd Still" in text
    assert "Vorbereitungstreffen" in text
    client.logout()
    assert "Vorbereitungstreffen" not in page(client.get(holthausen.get_absolute_url()))
    assert client.get(internal.get_absolute_url()).status_code == 404


def test_citizens_see_past_meetings_only_with_published_minutes(client, holthausen):
    past = timezone.now() - dt.timedelta(days=40)
    with_minutes = MeetingFactory(
        conference=holthausen,
        start=past,
        end=past + dt.timedelta(hours=2),
        state="minutes_approved",
        title="Frühjahrssitzung",
    )
    Minutes.objects.create(meeting=with_minutes, state="published")
    earlier = past - dt.timedelta(days=30)
    MeetingFactory(
        conference=holthausen,
        start=earlier,
        end=earlier + dt.timedelta(hours=2),
        state="held",
        title="Wintersitzung",
    )

    response = client.get(holthausen.get_absolute_url())

    minutes_url = reverse(
        "conferences:minutes", kwargs={"slug": holthausen.slug, "pk": with_minutes.pk}
    )
    assert minutes_url in page(response)
    assert reverse(
        "conferences:meeting",
        kwargs={"slug": holthausen.slug, "pk": with_minutes.pk - 1 if False else with_minutes.pk},
    ) in page(response)
    assert "Wintersitzung" not in page(response)


def test_an_inactive_conference_is_missing_for_citizens_but_not_for_coordinators(client):
    old = ConferenceFactory(is_active=False)
    assert client.get(old.get_absolute_url()).status_code == 404
    client.force_login(UserFactory(is_moderator=True))
    assert client.get(old.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("who", ["anonymous", "citizen", "member", "editor", "coordinator"])
def test_only_coordinators_and_editors_create_conferences(client, who):
    users = {
        "citizen": UserFactory(),
        "member": ConferenceMembershipFactory(role="moderator").user,
        "editor": UserFactory(is_editor=True),
        "coordinator": UserFactory(is_moderator=True),
    }
    if who in users:
        client.force_login(users[who])
    district = DistrictFactory(name="Welper")
    data = {
        "name": "Stadtteilkonferenz Welper",
        "slug": "welper",
        "kind": "district",
        "districts": [district.pk],
        "is_active": "on",
    }

    response = client.post(reverse("conferences:conference-create"), data)

    created = Conference.objects.filter(slug="welper").exists()
    if who == "anonymous":
        assert response["Location"].startswith(reverse("account_login"))
        assert not created
    elif who in ("citizen", "member"):
        assert response.status_code == 403
        assert not created
    else:
        assert response["Location"] == reverse("conferences:members", kwargs={"slug": "welper"})
        assert created


def test_a_coordinator_creates_a_conference_and_goes_on_to_its_members(client):
    coordinator = UserFactory(is_moderator=True)
    client.force_login(coordinator)
    district = DistrictFactory(name="Welper")

    response = client.post(
        reverse("conferences:conference-create"),
        {
            "name": "Stadtteilkonferenz Welper",
            "slug": "welper",
            "kind": "district",
            "districts": [district.pk],
            "is_active": "on",
            "description": "Wir treffen uns <script>alert(1)</script> **viermal** im Jahr.",
        },
    )

    conference = Conference.objects.get(slug="welper")
    assert response["Location"] == reverse("conferences:members", kwargs={"slug": "welper"})
    assert list(conference.districts.all()) == [district]
    assert history(conference).get().action == "created"
    text = client.get(conference.get_absolute_url()).content.decode()
    assert "<strong>viermal</strong>" in text
    assert "<script>alert(1)</script>" not in text


@pytest.mark.parametrize("slug", ["neu", "aufgaben", "terminfindung"])
def test_a_conference_cannot_take_a_word_of_the_addresses(client, slug):
    client.force_login(UserFactory(is_editor=True))
    district = DistrictFactory()

    response = client.post(
        reverse("conferences:conference-create"),
        {"name": "Konferenz", "slug": slug, "kind": "district", "districts": [district.pk]},
    )

    assert response.status_code == 400
    assert f"„{slug}“" in page(response) or f"“{slug}”" in page(response)
    assert not Conference.objects.exists()


def test_a_district_conference_needs_a_district(client):
    client.force_login(UserFactory(is_editor=True))

    response = client.post(
        reverse("conferences:conference-create"),
        {"name": "Konferenz", "slug": "konferenz", "kind": "district"},
    )

    assert response.status_code == 400
    assert german("Choose the districts the conference covers.") in page(response)
    assert not Conference.objects.exists()


def test_the_conference_moderator_edits_the_conference_and_the_change_is_logged(
    client, holthausen, moderator
):
    client.force_login(moderator)
    data = {
        "name": holthausen.name,
        "slug": holthausen.slug,
        "kind": "district",
        "districts": [d.pk for d in holthausen.districts.all()],
        "description": holthausen.description,
        "contact_email": "holthausen@example.org",
        "is_active": "on",
    }

    response = client.post(
        reverse("conferences:conference-edit", kwargs={"slug": holthausen.slug}), data
    )

    assert response.status_code == 302
    holthausen.refresh_from_db()
    assert holthausen.contact_email == "holthausen@example.org"
    entry = history(holthausen).first()
    assert entry.action == "edited"
    assert entry.changes == {"contact_email": ["", "holthausen@example.org"]}


@pytest.mark.parametrize("who", ["member", "other_moderator", "citizen"])
def test_others_cannot_edit_the_conference_or_its_members(client, holthausen, who):
    if who == "member":
        user = ConferenceMembershipFactory(conference=holthausen).user
    elif who == "other_moderator":
        user = ConferenceMembershipFactory(role="moderator").user
    else:
        user = UserFactory()
    client.force_login(user)

    edit = client.post(
        reverse("conferences:conference-edit", kwargs={"slug": holthausen.slug}),
        {"name": "Gekapert"},
    )
    add = client.post(
        reverse("conferences:members", kwargs={"slug": holthausen.slug}),
        {"new-name": "Eindringling", "new-role": "moderator"},
    )

    assert edit.status_code == 403
    assert add.status_code == 403
    holthausen.refresh_from_db()
    assert holthausen.name == "Stadtteilkonferenz Holthausen"
    assert not Membership.objects.filter(name="Eindringling").exists()


def test_adding_a_member_links_their_account_and_tells_them(client, holthausen, moderator):
    account = UserFactory(email="ute@example.org")
    hwg = OrganizationFactory(name="hwg eG")
    client.force_login(moderator)
    mail.outbox.clear()

    response = client.post(
        reverse("conferences:members", kwargs={"slug": holthausen.slug}),
        {
            "new-name": "Ute Umsicht",
            "new-email": "Ute@Example.org",
            "new-on_behalf_of": hwg.pk,
            "new-role": "member",
        },
    )

    assert response.status_code == 302
    membership = Membership.objects.get(name="Ute Umsicht")
    assert membership.user == account
    assert membership.email == "ute@example.org"
    assert membership.on_behalf_of == hwg
    assert membership.start_date == local_today()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ute@example.org"]
    assert "hwg eG" in mail.outbox[0].body
    assert holthausen.get_absolute_url() in mail.outbox[0].body


def test_a_person_cannot_be_added_twice_but_can_return_after_leaving(client, holthausen, moderator):
    client.force_login(moderator)
    url = reverse("conferences:members", kwargs={"slug": holthausen.slug})
    data = {"new-name": "Greta Gast", "new-email": "greta@example.org", "new-role": "guest"}
    assert client.post(url, data).status_code == 302

    again = client.post(url, data)

    assert again.status_code == 400
    assert german("%(name)s already takes part in this conference.", name="Greta Gast") in page(
        again
    )
    membership = Membership.objects.get(name="Greta Gast")
    membership.start_date = local_today() - dt.timedelta(days=30)
    membership.end_date = local_today() - dt.timedelta(days=1)
    membership.save()

    back = client.post(url, data)

    assert back.status_code == 302
    membership.refresh_from_db()
    assert Membership.objects.filter(name="Greta Gast").count() == 1
    assert membership.end_date is None


def test_ending_a_membership_keeps_the_row_and_stops_the_internal_view(
    client, holthausen, moderator
):
    member = ConferenceMembershipFactory(
        conference=holthausen, start_date=local_today() - dt.timedelta(days=60)
    )
    client.force_login(moderator)
    url = reverse("conferences:member-edit", kwargs={"slug": holthausen.slug, "pk": member.pk})

    response = client.post(
        url, {"action": "end", "end-end_date": (local_today() - dt.timedelta(days=1)).isoformat()}
    )

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.end_date == local_today() - dt.timedelta(days=1)
    assert not member.user.has_perm("conferences.view_internal", holthausen)
    assert "member left" in [entry.action for entry in history(holthausen)]


def test_a_membership_cannot_end_before_it_began(client, holthausen, moderator):
    member = ConferenceMembershipFactory(conference=holthausen, start_date=local_today())
    client.force_login(moderator)

    response = client.post(
        reverse("conferences:member-edit", kwargs={"slug": holthausen.slug, "pk": member.pk}),
        {"action": "end", "end-end_date": (local_today() - dt.timedelta(days=3)).isoformat()},
    )

    assert response.status_code == 400
    member.refresh_from_db()
    assert member.end_date is None


def test_editing_a_member_logs_the_change(client, holthausen, moderator):
    member = ConferenceMembershipFactory(conference=holthausen, name="Bernd Still", role="member")
    client.force_login(moderator)

    response = client.post(
        reverse("conferences:member-edit", kwargs={"slug": holthausen.slug, "pk": member.pk}),
        {
            "action": "save",
            "name": "Bernd Still",
            "email": member.email,
            "role": "moderator",
            "show_contact": "on",
        },
    )

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.role == "moderator"
    assert member.show_contact
    assert member.user.has_perm("conferences.manage_conference", holthausen)
    entry = history(holthausen).first()
    assert entry.action == "member edited"
    assert entry.changes["role"] == [german("Member"), german("Moderator")]


def test_a_member_of_another_conference_is_not_found_here(client, holthausen, moderator):
    stranger = ConferenceMembershipFactory()
    client.force_login(moderator)

    response = client.get(
        reverse("conferences:member-edit", kwargs={"slug": holthausen.slug, "pk": stranger.pk})
    )

    assert response.status_code == 404


def test_the_moderators_organisation_comes_first_then_organisations_by_name(holthausen):
    city = OrganizationFactory(name="Stadt Hattingen – Quartiersentwicklung")
    ConferenceMembershipFactory(
        conference=holthausen, on_behalf_of=OrganizationFactory(name="hwg eG")
    )
    ConferenceMembershipFactory(
        conference=holthausen, on_behalf_of=OrganizationFactory(name="AWO Welper")
    )
    ConferenceMembershipFactory(conference=holthausen, on_behalf_of=None, name="Zora Einzeln")
    ConferenceMembershipFactory(conference=holthausen, on_behalf_of=city, role="moderator")

    order = [str(m.on_behalf_of or m.name) for m in domain.current_members(holthausen)]

    assert order == [city.name, "AWO Welper", "hwg eG", "Zora Einzeln"]
