"""Privacy rights: a copy of one's data (Art. 15/20 GDPR) and deleting one's account (Art. 17)."""

import datetime as dt
import io
import json

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from quartiersnetz.accounts.domain import (
    block_user,
    erase_account,
    export_personal_data,
    unblock_user,
)
from quartiersnetz.accounts.models import NotificationKind, NotificationSubscription
from quartiersnetz.accounts.notifications import subscribe
from quartiersnetz.conferences.models import (
    Concern,
    ConcernFollower,
    Minutes,
    MinutesComment,
    Registration,
    Subscriber,
)
from quartiersnetz.conferences.models import Membership as ConferenceMembership
from quartiersnetz.core.activity import history
from quartiersnetz.core.models import ActivityLog
from quartiersnetz.events import workflow
from quartiersnetz.events.models import Event
from quartiersnetz.organizations.models import Membership, Organization
from tests.factories import (
    ConcernFactory,
    ConferenceMembershipFactory,
    EventFactory,
    MeetingFactory,
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PASSWORD = "Ruhrtal-Spaziergang-2026"


def erase(client, password=PASSWORD, confirm=True):
    data = {"password": password}
    if confirm:
        data["confirm"] = "on"
    return client.post(reverse("accounts:erase"), data)


def test_export_holds_the_persons_data_and_nothing_of_anyone_else():
    anna = UserFactory(email="anna@example.org", name="Anna Ruhr")
    other = UserFactory(email="bernd@example.org", name="Bernd Berg")
    org = OrganizationFactory(name="Heimatverein Blankenstein e.V.")
    MembershipFactory(user=anna, organization=org, role=Membership.Role.ADMIN)
    MembershipFactory(user=other, organization=org)
    MembershipFactory(user=other)
    Membership.objects.create(
        organization=org,
        invited_email="carla@example.org",
        state=Membership.State.INVITED,
        invited_by=anna,
    )

    data = export_personal_data(anna)

    assert data["account"]["email"] == "anna@example.org"
    assert data["account"]["name"] == "Anna Ruhr"
    assert dt.datetime.fromisoformat(data["account"]["date_joined"]).tzinfo is not None
    assert data["email_addresses"] == [
        {"email": "anna@example.org", "verified": True, "primary": True}
    ]
    assert [(m["organization_slug"], m["role"], m["state"]) for m in data["memberships"]] == [
        (org.slug, "admin", "active")
    ]
    assert [(i["email"], i["organization"]) for i in data["invitations_sent"]] == [
        ("carla@example.org", org.name)
    ]
    assert set(data["explanation"]) == {"de", "en"}
    assert data["generated_at"]
    text = json.dumps(data)
    assert "bernd@example.org" not in text
    assert "Bernd Berg" not in text


def test_download_is_a_json_attachment_that_is_not_cached(client):
    anna = UserFactory(email="anna@example.org")
    MembershipFactory(user=anna)
    client.force_login(anna)

    response = client.get(reverse("accounts:download"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    today = timezone.localdate().isoformat()
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="quartiersnetz-daten-{today}.json"'
    )
    assert response["Cache-Control"] == "no-store"
    data = json.loads(response.content)
    assert data["account"]["email"] == "anna@example.org"
    assert len(data["memberships"]) == 1


def test_privacy_page_offers_download_and_deletion_and_is_linked_in_the_account_nav(client):
    client.force_login(UserFactory())
    content = client.get(reverse("accounts:privacy")).content.decode()
    assert f'href="{reverse("accounts:download")}"' in content
    assert f'action="{reverse("accounts:erase")}"' in content
    assert 'type="password"' in content
    assert f'href="{reverse("accounts:privacy")}" aria-current="page"' in content


@pytest.mark.parametrize("name", ["accounts:privacy", "accounts:download", "accounts:erase"])
def test_visitors_are_sent_to_sign_in(client, name):
    response = client.get(reverse(name)) if name != "accounts:erase" else erase(client)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_erasure_needs_a_post(client):
    anna = UserFactory()
    client.force_login(anna)
    assert client.get(reverse("accounts:erase")).status_code == 405
    assert get_user_model().objects.filter(pk=anna.pk).exists()


def test_erasure_removes_the_person_and_keeps_the_organisation_its_events_and_members(client):
    anna = UserFactory(email="anna@example.org")
    EmailAddress.objects.create(user=anna, email="anna.privat@example.org", verified=False)
    other = UserFactory()
    org = OrganizationFactory()
    MembershipFactory(user=anna, organization=org)
    admin = MembershipFactory(user=other, organization=org, role=Membership.Role.ADMIN)
    invitation = Membership.objects.create(
        organization=org,
        invited_email="carla@example.org",
        state=Membership.State.INVITED,
        invited_by=anna,
    )
    event = EventFactory(organizers=[org])
    other_client = client.__class__()
    other_client.force_login(other)
    client.force_login(anna)
    second_device = client.__class__()
    second_device.force_login(anna)
    assert Session.objects.count() == 3

    response = erase(client)

    assert response.status_code == 302
    assert response["Location"] == reverse("events:home")
    assert not get_user_model().objects.filter(pk=anna.pk).exists()
    assert not EmailAddress.objects.filter(email__startswith="anna").exists()
    assert (
        not Membership.objects.filter(organization=org, state="active")
        .exclude(pk=admin.pk)
        .exists()
    )
    invitation.refresh_from_db()
    assert invitation.invited_by is None
    assert Organization.objects.filter(pk=org.pk).exists()
    assert list(Event.objects.get(pk=event.pk).organizers.all()) == [org]
    assert get_user_model().objects.filter(pk=other.pk).exists()
    # Both of Anna's sessions are gone; the other member stays signed in.
    assert Session.objects.count() == 1
    assert second_device.get(reverse("events:home")).context["user"].is_anonymous
    assert other_client.get(reverse("events:home")).context["user"] == other
    page = client.get(response["Location"])
    assert page.context["user"].is_anonymous
    assert 'class="message message-success"' in page.content.decode()


def test_the_last_member_may_leave_an_organisation_empty():
    anna = UserFactory()
    org = OrganizationFactory()
    MembershipFactory(user=anna, organization=org, role=Membership.Role.ADMIN)
    erase_account(anna)
    assert Organization.objects.filter(pk=org.pk).exists()
    assert not Membership.objects.filter(organization=org).exists()


def test_open_invitations_to_the_person_are_erased_too():
    anna = UserFactory(email="anna@example.org")
    invitation = Membership.objects.create(
        organization=OrganizationFactory(),
        invited_email="anna@example.org",
        state=Membership.State.INVITED,
    )
    assert export_personal_data(anna)["invitations_received"][0]["email"] == "anna@example.org"
    erase_account(anna)
    assert not Membership.objects.filter(pk=invitation.pk).exists()


def test_the_last_administrator_of_an_organisation_with_members_is_refused(client):
    anna = UserFactory()
    org = OrganizationFactory(name="Bürgerverein Welper e.V.")
    MembershipFactory(user=anna, organization=org, role=Membership.Role.ADMIN)
    MembershipFactory(organization=org)
    client.force_login(anna)

    content = client.get(reverse("accounts:privacy")).content.decode()
    assert "Bürgerverein Welper e.V." in content
    response = erase(client)

    assert response.status_code == 400
    assert "Bürgerverein Welper e.V." in response.content.decode()
    assert get_user_model().objects.filter(pk=anna.pk).exists()
    assert Membership.objects.filter(user=anna, organization=org).exists()
    assert EmailAddress.objects.filter(user=anna).exists()
    assert client.get(reverse("events:home")).context["user"] == anna
    with pytest.raises(ValidationError):
        erase_account(anna)


def test_an_administrator_with_a_fellow_administrator_may_go():
    anna = UserFactory()
    org = OrganizationFactory()
    MembershipFactory(user=anna, organization=org, role=Membership.Role.ADMIN)
    MembershipFactory(organization=org, role=Membership.Role.ADMIN)
    erase_account(anna)
    assert not get_user_model().objects.filter(pk=anna.pk).exists()


@pytest.mark.parametrize(("password", "confirm"), [("falsch-2026", True), (PASSWORD, False)])
def test_wrong_password_or_missing_confirmation_deletes_nothing(client, password, confirm):
    anna = UserFactory()
    MembershipFactory(user=anna)
    client.force_login(anna)

    response = erase(client, password=password, confirm=confirm)

    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    form = response.context["form"]
    if confirm:
        assert form.has_error("password", "wrong_password")
    else:
        assert form.has_error("confirm", "required")
    assert get_user_model().objects.filter(pk=anna.pk).exists()
    assert Membership.objects.filter(user=anna).exists()
    assert client.get(reverse("events:home")).context["user"] == anna


def test_after_erasure_the_address_can_sign_up_again(client):
    anna = UserFactory(email="anna@example.org")
    client.force_login(anna)
    erase(client)

    response = client.post(
        reverse("account_signup"),
        {"email": "anna@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )

    assert response.status_code == 302
    new_anna = get_user_model().objects.get(email="anna@example.org")
    assert new_anna.pk != anna.pk
    assert new_anna.emailaddress_set.get().email == "anna@example.org"


def test_export_holds_the_mails_asked_for_and_what_the_person_did():
    ida = UserFactory(email="ida@example.org")
    subscribe(ida, NotificationKind.REVIEW_RESULTS)
    organization = OrganizationFactory()
    MembershipFactory(organization=organization, user=ida)
    event = EventFactory(organizers=[organization], status="draft", title="Lesecafé")
    workflow.submit_event(event, ida)
    workflow.submit_event(
        EventFactory(status="draft", title="Fremd", organizers=[organization]), UserFactory()
    )

    data = json.loads(json.dumps(export_personal_data(ida)))

    assert data["notifications"] == ["review_results"]
    assert [(entry["action"], entry["object"]) for entry in data["activity"]] == [
        ("submitted", "Lesecafé")
    ]


def test_erasure_forgets_the_doer_and_what_was_written_about_the_person():
    ida = UserFactory(email="ida@example.org", name="Ida Ruhr")
    editor = UserFactory(is_editor=True)
    event = EventFactory(status="draft", organizers=[OrganizationFactory()])
    workflow.submit_event(event, ida)
    block_user(ida, by=editor, reason="Spam")
    unblock_user(ida, by=editor)

    erase_account(ida)

    (entry,) = history(event)
    assert entry.action == "submitted"
    assert entry.actor is None
    assert not ActivityLog.objects.filter(object_label__contains="Ida").exists()
    assert not NotificationSubscription.objects.exists()


def test_conference_data_is_exported_and_erased_with_the_account():
    anna = UserFactory(email="anna@example.org", name="Anna Ruhr")
    membership = ConferenceMembershipFactory(user=anna, name="Anna Ruhr", phone="02324 1")
    # A membership entered by address before Anna made her account.
    by_address = ConferenceMembershipFactory(user=None, name="Anna R.", email="anna@example.org")
    other = ConferenceMembershipFactory(conference=membership.conference, name="Bernd Berg")
    meeting = MeetingFactory(conference=membership.conference)
    Registration.objects.create(
        meeting=meeting, name="Anna", email="anna@example.org", accessibility_needs="Rollstuhl"
    )
    Registration.objects.create(meeting=meeting, name="Bernd", email="bernd@example.org")
    Subscriber.objects.create(conference=membership.conference, email="anna@example.org")
    minutes = Minutes.objects.create(meeting=meeting, state="in_review")
    MinutesComment.objects.create(
        minutes=minutes, membership=membership, author=anna, name="Anna Ruhr", text="TOP 2 fehlt."
    )
    concern = ConcernFactory(author_name="Anna", author_email="anna@example.org", status="new")
    ConcernFollower.objects.create(concern=concern, email="anna@example.org")

    data = export_personal_data(anna)

    assert {m["name"] for m in data["conference_memberships"]} == {"Anna Ruhr", "Anna R."}
    assert [r["accessibility_needs"] for r in data["conference_sign_ups"]] == ["Rollstuhl"]
    assert [s["email"] for s in data["conference_invitation_subscriptions"]] == ["anna@example.org"]
    assert [c["text"] for c in data["comments_on_minutes"]] == ["TOP 2 fehlt."]
    assert [c["title"] for c in data["concerns_raised"]] == [concern.title]
    assert [c["concern"] for c in data["concerns_followed"]] == [concern.title]
    assert "Bernd" not in json.dumps(data)

    erase_account(anna)

    assert not ConferenceMembership.objects.filter(pk__in=[membership.pk, by_address.pk]).exists()
    assert ConferenceMembership.objects.filter(pk=other.pk).exists()
    assert list(Registration.objects.values_list("email", flat=True)) == ["bernd@example.org"]
    assert not Subscriber.objects.exists()
    comment = MinutesComment.objects.get()
    assert (comment.name, comment.author, comment.text) == ("", None, "TOP 2 fehlt.")
    concern.refresh_from_db()
    assert (concern.author_name, concern.author_email, concern.status) == ("", "", "new")
    assert not ConcernFollower.objects.exists()


def test_sign_ups_lose_names_and_addresses_some_time_after_the_meeting():
    long_ago = timezone.now() - dt.timedelta(days=120)
    old = MeetingFactory(start=long_ago, end=long_ago + dt.timedelta(hours=2))
    recent = MeetingFactory(conference=old.conference)
    Registration.objects.create(
        meeting=old, name="Anna", email="anna@example.org", status="confirmed", attended=True
    )
    Registration.objects.create(
        meeting=old, name="Bernd", email="bernd@example.org", accessibility_needs="Rampe"
    )
    Registration.objects.create(meeting=recent, name="Carla", email="carla@example.org")
    Subscriber.objects.create(conference=old.conference, email="x@example.org")
    Subscriber.objects.filter(email="x@example.org").update(created_at=long_ago)
    stale = ConcernFactory(status="unconfirmed", author_email="y@example.org")
    fresh = ConcernFactory(status="unconfirmed", author_email="z@example.org")
    kept = ConcernFactory(status="new")
    Concern.objects.filter(pk__in=[stale.pk, kept.pk]).update(created_at=long_ago)
    out = io.StringIO()

    call_command("forget_old_sign_ups", stdout=out)
    call_command("forget_old_sign_ups", stdout=out)

    assert "Anonymised 2 sign-ups" in out.getvalue()
    assert "Anonymised 0 sign-ups" in out.getvalue()
    rows = list(old.registrations.order_by("pk").values("name", "accessibility_needs", "attended"))
    assert rows == [
        {"name": "", "accessibility_needs": "", "attended": True},
        {"name": "", "accessibility_needs": "", "attended": None},
    ]
    assert not old.registrations.filter(email__contains="example.org").exists()
    assert recent.registrations.get().email == "carla@example.org"
    assert not Subscriber.objects.exists()
    assert set(Concern.objects.values_list("pk", flat=True)) == {fresh.pk, kept.pk}
