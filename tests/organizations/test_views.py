"""Members pages: invite, accept, ask to join, answer requests, leave; who may do what."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from quartiersnetz.accounts.notifications import subscribe
from quartiersnetz.organizations.models import Membership
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

ADMIN, MEMBER = Membership.Role.ADMIN, Membership.Role.MEMBER


def link_in(message):
    return re.search(r"https?://[^\s]+", message.body).group(0)


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def organization():
    return OrganizationFactory(name="Bürgerverein Welper e.V.", slug="buergerverein-welper")


@pytest.fixture
def admin(organization):
    return MembershipFactory(organization=organization, role=ADMIN).user


def members_url(organization):
    return reverse("organizations:members", kwargs={"slug": organization.slug})


def test_invited_person_accepts_after_signing_in_and_becomes_a_member(client, organization, admin):
    client.force_login(admin)
    response = client.post(
        reverse("organizations:invite", kwargs={"slug": organization.slug}),
        {"email": "greta@example.org", "role": MEMBER},
        follow=True,
    )
    assert "Die Einladung wurde an greta@example.org gesendet." in messages_of(response)
    assert "greta@example.org" in response.content.decode()
    (message,) = mail.outbox
    accept_path = link_in(message).removeprefix("https://quartiersnetz.example")

    client.logout()
    response = client.get(accept_path)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={accept_path}"

    greta = UserFactory(email="greta@example.org")
    client.force_login(greta)
    page = client.get(accept_path).content.decode()
    assert "Bürgerverein Welper e.V." in page
    assert "Einladung annehmen" in page
    response = client.post(accept_path, follow=True)
    assert response.redirect_chain[-1][0] == reverse("organizations:mine")
    assert messages_of(response) == [
        "Willkommen: Sie sind jetzt Mitglied von Bürgerverein Welper e.V.."
    ]
    assert Membership.objects.get(user=greta).state == Membership.State.ACTIVE
    assert organization.get_absolute_url() in response.content.decode()
    # A second click changes nothing and says so.
    assert client.post(accept_path, follow=True).status_code == 200
    assert Membership.objects.filter(organization=organization).count() == 2


def test_someone_with_another_address_cannot_accept_an_invitation(client, organization, admin):
    client.force_login(admin)
    client.post(
        reverse("organizations:invite", kwargs={"slug": organization.slug}),
        {"email": "greta@example.org", "role": ADMIN},
    )
    invitation = Membership.objects.get(state=Membership.State.INVITED)
    accept_url = reverse("organizations:accept", kwargs={"token": invitation.token})
    client.force_login(UserFactory(email="hans@example.org"))

    page = client.get(accept_url).content.decode()
    assert "Einladung annehmen" not in page
    assert "mit einer anderen Adresse angemeldet" in page
    response = client.post(accept_url, follow=True)
    assert any("an greta@example.org geschickt" in text for text in messages_of(response))
    invitation.refresh_from_db()
    assert invitation.state == Membership.State.INVITED
    assert invitation.user is None


def test_invalid_or_repeated_invitation_is_shown_on_the_form(client, organization, admin):
    client.force_login(admin)
    url = reverse("organizations:invite", kwargs={"slug": organization.slug})
    client.post(url, {"email": "greta@example.org", "role": MEMBER})
    response = client.post(url, {"email": "greta@example.org", "role": MEMBER})
    assert response.status_code == 400
    assert "Eine Einladung an greta@example.org ist bereits offen." in response.content.decode()
    response = client.post(url, {"email": "keine adresse", "role": "boss"})
    assert response.status_code == 400
    assert len(mail.outbox) == 1


def test_unknown_token_and_unknown_organisation_are_not_found(client, admin):
    client.force_login(admin)
    assert client.get(reverse("organizations:accept", kwargs={"token": "nope"})).status_code == 404
    assert client.get(reverse("organizations:members", kwargs={"slug": "nope"})).status_code == 404
    url = reverse("organizations:request", kwargs={"slug": "nope"})
    assert client.post(url).status_code == 404


def test_ask_to_join_on_the_organisation_page_and_the_admin_approves(client, organization, admin):
    subscribe(admin, "membership_requests")
    ida = UserFactory(email="ida@example.org")
    client.force_login(ida)
    page = client.get(organization.get_absolute_url()).content.decode()
    request_url = reverse("organizations:request", kwargs={"slug": organization.slug})
    assert f'action="{request_url}"' in page
    assert "Mitglied werden" in page

    response = client.post(request_url, follow=True)
    assert response.redirect_chain[-1][0] == organization.get_absolute_url()
    page = response.content.decode()
    assert "Anfrage gesendet" in page
    assert f'action="{request_url}"' not in page
    (message,) = mail.outbox
    assert message.to == [admin.email]
    # Asking again sends nothing more.
    client.post(request_url)
    assert len(mail.outbox) == 1

    client.force_login(admin)
    request = Membership.objects.get(user=ida)
    page = client.get(members_url(organization)).content.decode()
    assert "ida@example.org" in page
    approve_url = reverse(
        "organizations:approve", kwargs={"slug": organization.slug, "pk": request.pk}
    )
    response = client.post(approve_url, follow=True)
    assert "Die Beitrittsanfrage wurde angenommen." in messages_of(response)
    request.refresh_from_db()
    assert request.state == Membership.State.ACTIVE
    assert mail.outbox[-1].to == ["ida@example.org"]
    # A double click is harmless.
    response = client.post(approve_url, follow=True)
    assert "Diese Beitrittsanfrage wurde bereits beantwortet." in messages_of(response)

    client.force_login(ida)
    page = client.get(organization.get_absolute_url()).content.decode()
    assert "Sie sind Mitglied dieser Organisation (Mitglied)." in page


def test_admin_declines_a_request(client, organization, admin):
    request = MembershipFactory(organization=organization, state=Membership.State.REQUESTED)
    client.force_login(admin)
    url = reverse("organizations:decline", kwargs={"slug": organization.slug, "pk": request.pk})
    response = client.post(url, follow=True)
    assert "Die Beitrittsanfrage wurde abgelehnt." in messages_of(response)
    assert not Membership.objects.filter(pk=request.pk).exists()
    response = client.post(url, follow=True)
    assert "Diese Beitrittsanfrage oder Mitgliedschaft gibt es nicht mehr." in messages_of(response)


def test_my_organisations_lists_memberships_and_members_leave(client, organization, admin):
    member = MembershipFactory(organization=organization)
    client.force_login(member.user)
    page = client.get(reverse("organizations:mine")).content.decode()
    assert "Bürgerverein Welper e.V." in page
    leave_url = reverse("organizations:leave", kwargs={"pk": member.pk})
    assert f'action="{leave_url}"' in page

    response = client.post(leave_url, follow=True)
    assert "Sie sind aus Bürgerverein Welper e.V. ausgetreten." in messages_of(response)
    assert not Membership.objects.filter(pk=member.pk).exists()
    assert client.post(leave_url, follow=True).status_code == 200


def test_the_last_admin_cannot_leave(client, organization, admin):
    membership = Membership.objects.get(user=admin)
    client.force_login(admin)
    response = client.post(
        reverse("organizations:leave", kwargs={"pk": membership.pk}), follow=True
    )
    assert any("mindestens eine Administratorin" in text for text in messages_of(response))
    assert Membership.objects.filter(pk=membership.pk).exists()
    response = client.post(
        reverse("organizations:remove", kwargs={"slug": organization.slug, "pk": membership.pk}),
        follow=True,
    )
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_nobody_leaves_on_behalf_of_someone_else(client, organization, admin):
    member = MembershipFactory(organization=organization)
    client.force_login(UserFactory())
    client.post(reverse("organizations:leave", kwargs={"pk": member.pk}))
    assert Membership.objects.filter(pk=member.pk).exists()


def test_admin_of_a_cannot_answer_requests_of_b_by_posting_its_id(client, organization, admin):
    other = OrganizationFactory()
    foreign_request = MembershipFactory(organization=other, state=Membership.State.REQUESTED)
    foreign_member = MembershipFactory(organization=other)
    client.force_login(admin)
    for name, target in [
        ("approve", foreign_request),
        ("decline", foreign_request),
        ("remove", foreign_member),
    ]:
        own_url = reverse(
            f"organizations:{name}", kwargs={"slug": organization.slug, "pk": target.pk}
        )
        client.post(own_url)
        other_url = reverse(f"organizations:{name}", kwargs={"slug": other.slug, "pk": target.pk})
        assert client.post(other_url).status_code == 403
    foreign_request.refresh_from_db()
    assert foreign_request.state == Membership.State.REQUESTED
    assert Membership.objects.filter(pk=foreign_member.pk).exists()


def test_changes_need_a_csrf_token(organization, admin):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin)
    response = client.post(
        reverse("organizations:invite", kwargs={"slug": organization.slug}),
        {"email": "greta@example.org", "role": MEMBER},
    )
    assert response.status_code == 403
    assert not mail.outbox


def test_changes_need_a_post(client, organization, admin):
    client.force_login(admin)
    url = reverse("organizations:request", kwargs={"slug": organization.slug})
    assert client.get(url).status_code == 405
    assert not Membership.objects.filter(state=Membership.State.REQUESTED).exists()


ROLES = ["anonymous", "citizen", "member", "admin_of_other", "admin", "editor", "administrator"]


@pytest.fixture
def people(organization, admin):
    other = OrganizationFactory()
    return {
        "anonymous": None,
        "citizen": UserFactory(),
        "member": MembershipFactory(organization=organization).user,
        "admin_of_other": MembershipFactory(organization=other, role=ADMIN).user,
        "admin": admin,
        "editor": UserFactory(is_editor=True),
        "administrator": UserFactory(is_superuser=True),
    }


def sign_in(client, person):
    if person is not None:
        client.force_login(person)


def expect_refusal(response, role):
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login") + "?next=")
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_members_page_per_role(client, organization, people, role):
    sign_in(client, people[role])
    response = client.get(members_url(organization))
    invite_url = reverse("organizations:invite", kwargs={"slug": organization.slug})
    if role in {"anonymous", "citizen", "admin_of_other"}:
        expect_refusal(response, role)
        return
    assert response.status_code == 200
    page = response.content.decode()
    assert people["admin"].email in page
    assert (f'action="{invite_url}"' in page) is (role != "member")


@pytest.mark.parametrize("role", ROLES)
def test_managing_members_per_role(client, organization, people, role):
    request = MembershipFactory(organization=organization, state=Membership.State.REQUESTED)
    sign_in(client, people[role])
    slug = organization.slug
    responses = [
        client.post(
            reverse("organizations:invite", kwargs={"slug": slug}),
            {"email": "greta@example.org", "role": MEMBER},
        ),
        client.post(reverse("organizations:approve", kwargs={"slug": slug, "pk": request.pk})),
    ]
    allowed = role in {"admin", "editor", "administrator"}
    for response in responses:
        if allowed:
            assert response.status_code == 302
            assert response["Location"] == members_url(organization)
        else:
            expect_refusal(response, role)
    request.refresh_from_db()
    assert (request.state == Membership.State.ACTIVE) is allowed
    assert organization.memberships.filter(invited_email="greta@example.org").exists() is allowed


@pytest.mark.parametrize("role", ["anonymous", "citizen", "member"])
def test_removing_and_declining_per_role(client, organization, people, role):
    request = MembershipFactory(organization=organization, state=Membership.State.REQUESTED)
    member = MembershipFactory(organization=organization)
    sign_in(client, people[role])
    slug = organization.slug
    expect_refusal(
        client.post(reverse("organizations:decline", kwargs={"slug": slug, "pk": request.pk})),
        role,
    )
    expect_refusal(
        client.post(reverse("organizations:remove", kwargs={"slug": slug, "pk": member.pk})),
        role,
    )
    assert Membership.objects.filter(pk__in=[request.pk, member.pk]).count() == 2


@pytest.mark.parametrize(
    "name", ["organizations:mine", "organizations:request", "organizations:leave"]
)
def test_personal_pages_send_visitors_to_sign_in(client, organization, name):
    kwargs = {
        "organizations:request": {"slug": organization.slug},
        "organizations:leave": {"pk": 1},
    }
    url = reverse(name, kwargs=kwargs.get(name))
    response = client.post(url) if name != "organizations:mine" else client.get(url)
    expect_refusal(response, "anonymous")


def test_signed_in_people_find_my_organisations_in_the_account_navigation(client):
    mine = reverse("organizations:mine")
    assert f'href="{mine}"' not in client.get(reverse("events:home")).content.decode()
    client.force_login(UserFactory())
    assert f'href="{mine}"' in client.get(reverse("events:home")).content.decode()


def test_visitors_see_no_membership_box_on_the_organisation_page(client, organization):
    page = client.get(organization.get_absolute_url()).content.decode()
    assert "Mitglied werden" not in page


@pytest.mark.parametrize("count", [1, 3])
def test_members_page_query_count(client, django_assert_num_queries, organization, admin, count):
    for _ in range(count - 1):
        MembershipFactory(organization=organization)
    for _ in range(count):
        MembershipFactory(organization=organization, state=Membership.State.REQUESTED)
        MembershipFactory(
            organization=organization,
            user=None,
            invited_email=f"gast{_}@example.org",
            state=Membership.State.INVITED,
        )
    client.force_login(admin)
    # 14 for the page, 1 for the navigation's check whether the person moderates a
    # conference (base.html).
    with django_assert_num_queries(15):
        response = client.get(members_url(organization))
    assert len(response.context["members"]) == count


@pytest.mark.parametrize("count", [1, 3])
def test_my_organisations_query_count(client, django_assert_num_queries, count):
    person = UserFactory()
    for _ in range(count):
        MembershipFactory(user=person)
    client.force_login(person)
    # With the navigation's check whether the person moderates a conference.
    with django_assert_num_queries(13):
        response = client.get(reverse("organizations:mine"))
    assert len(response.context["memberships"]) == count
