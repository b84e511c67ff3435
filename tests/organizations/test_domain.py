"""Membership of organisations: invitations, requests to join, approval, leaving."""

import datetime as dt
import re
from contextlib import contextmanager

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from quartiersnetz.accounts.models import NotificationKind
from quartiersnetz.accounts.notifications import subscribe
from quartiersnetz.organizations import domain
from quartiersnetz.organizations.models import Membership
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

ADMIN, MEMBER = Membership.Role.ADMIN, Membership.Role.MEMBER


@contextmanager
def refused(code):
    with pytest.raises(ValidationError) as excinfo:
        yield
    assert excinfo.value.code == code, excinfo.value.messages


def link_in(message):
    return re.search(r"https?://[^\s]+", message.body).group(0)


@pytest.fixture
def organization():
    return OrganizationFactory(name="Heimatverein Welper e.V.")


@pytest.fixture
def admin(organization):
    return MembershipFactory(organization=organization, role=ADMIN).user


def test_invitation_mails_a_bilingual_link_and_the_invited_person_becomes_a_member(
    organization, admin
):
    invitation = domain.invite_member(organization, " Greta@Example.org ", MEMBER, admin)

    assert invitation.state == Membership.State.INVITED
    assert invitation.invited_email == "greta@example.org"
    (message,) = mail.outbox
    assert message.to == ["greta@example.org"]
    assert "Einladung" in message.subject
    assert "Invitation" in message.subject
    assert "Heimatverein Welper e.V." in message.body
    assert link_in(message) == (f"https://quartiersnetz.example/einladungen/{invitation.token}/")

    greta = UserFactory(email="greta@example.org")
    membership = domain.accept_invitation(invitation, greta)
    assert (membership.user, membership.state, membership.role) == (
        greta,
        Membership.State.ACTIVE,
        MEMBER,
    )
    # Accepting twice changes nothing.
    assert domain.accept_invitation(invitation, greta) == membership


def test_an_invitation_expires_and_a_new_one_may_be_sent(organization, admin):
    invitation = domain.invite_member(organization, "greta@example.org", MEMBER, admin)
    Membership.objects.filter(pk=invitation.pk).update(
        created_at=timezone.now() - dt.timedelta(days=domain.INVITATION_VALID_DAYS, hours=1)
    )
    greta = UserFactory(email="greta@example.org")

    with refused("expired"):
        domain.accept_invitation(invitation, greta)
    assert not Membership.objects.filter(user=greta).exists()

    fresh = domain.invite_member(organization, "greta@example.org", MEMBER, admin)
    assert not Membership.objects.filter(pk=invitation.pk).exists()
    assert domain.accept_invitation(fresh, greta).state == Membership.State.ACTIVE
    assert "14 Tage" in mail.outbox[-1].body


def test_someone_with_another_address_cannot_accept(organization, admin):
    invitation = domain.invite_member(organization, "greta@example.org", MEMBER, admin)
    other = UserFactory(email="hans@example.org")

    with pytest.raises(ValidationError, match=r"an greta@example\.org geschickt"):
        domain.accept_invitation(invitation, other)
    invitation.refresh_from_db()
    assert invitation.state == Membership.State.INVITED
    assert invitation.user is None


def test_an_unverified_address_cannot_accept(organization, admin):
    invitation = domain.invite_member(organization, "greta@example.org", MEMBER, admin)
    greta = UserFactory(email="greta@example.org")
    greta.emailaddress_set.update(verified=False)

    with pytest.raises(ValidationError):
        domain.accept_invitation(invitation, greta)


def test_inviting_a_member_or_inviting_twice_is_refused_clearly(organization, admin):
    with refused("already_member"):
        domain.invite_member(organization, admin.email.upper(), MEMBER, admin)
    domain.invite_member(organization, "greta@example.org", ADMIN, admin)
    with refused("already_invited"):
        domain.invite_member(organization, "greta@example.org", MEMBER, admin)
    with pytest.raises(ValidationError):
        domain.invite_member(organization, "not an address", MEMBER, admin)
    assert len(mail.outbox) == 1


def test_request_mails_the_admins_who_asked_for_it_and_approval_makes_a_member(organization, admin):
    subscribe(admin, NotificationKind.MEMBERSHIP_REQUESTS)
    MembershipFactory(organization=organization, role=ADMIN)  # did not ask for mails
    ida = UserFactory(email="ida@example.org")
    request = domain.request_membership(organization, ida)

    assert request.state == Membership.State.REQUESTED
    (message,) = mail.outbox
    assert message.to == [admin.email]
    assert "ida@example.org" in message.body
    assert f"/organisationen/{organization.slug}/mitglieder/" in message.body
    assert "/mails-abbestellen/" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    with refused("already_requested"):
        domain.request_membership(organization, ida)

    domain.approve_request(request, admin)
    request.refresh_from_db()
    assert request.state == Membership.State.ACTIVE
    assert mail.outbox[-1].to == ["ida@example.org"]
    with refused("answered"):
        domain.approve_request(request, admin)
    with refused("already_member"):
        domain.request_membership(organization, ida)


def test_request_to_an_organisation_without_admins_goes_to_the_editors(organization):
    subscribe(UserFactory(email="redaktion@example.org", is_editor=True), "membership_requests")
    domain.request_membership(organization, UserFactory())
    (message,) = mail.outbox
    assert message.to == ["redaktion@example.org"]


def test_declined_request_is_gone_and_the_person_may_ask_again(organization, admin):
    ida = UserFactory()
    request = domain.request_membership(organization, ida)
    domain.decline_request(request, admin)
    assert not Membership.objects.filter(user=ida).exists()
    with refused("gone"):
        domain.decline_request(request, admin)
    assert domain.request_membership(organization, ida).state == Membership.State.REQUESTED


def test_the_last_admin_can_neither_leave_nor_be_removed(organization, admin):
    only_admin = Membership.objects.get(user=admin)
    with refused("last_admin"):
        domain.leave(only_admin)
    with refused("last_admin"):
        domain.remove_member(only_admin, admin)

    second = MembershipFactory(organization=organization, role=ADMIN)
    domain.leave(only_admin)
    assert list(organization.memberships.all()) == [second]


def test_members_leave_and_are_removed(organization, admin):
    member = MembershipFactory(organization=organization)
    other = MembershipFactory(organization=organization)
    domain.leave(member)
    domain.remove_member(other, admin)
    assert list(organization.memberships.values_list("user", flat=True)) == [admin.pk]


def test_accepting_an_invitation_after_asking_to_join_keeps_one_membership(organization, admin):
    greta = UserFactory(email="greta@example.org")
    domain.request_membership(organization, greta)
    invitation = domain.invite_member(organization, "other@example.org", ADMIN, admin)
    greta.emailaddress_set.create(email="other@example.org", verified=True)

    membership = domain.accept_invitation(invitation, greta)
    assert membership.state == Membership.State.ACTIVE
    assert membership.role == ADMIN
    assert organization.memberships.filter(user=greta).count() == 1
    assert not organization.memberships.filter(state=Membership.State.INVITED).exists()
