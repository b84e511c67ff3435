"""Every address of the site for every role, with the outcome each role must get.

Each case builds one small world (two organisations A and B with a member each, their
events in every state, a report, an invitation); every role then runs the request
inside a savepoint that is rolled back, so each role meets the same world. For a state
change the case also says what it changes: a refused role must leave it as it was, an
allowed role must change it. test_every_address_is_in_the_matrix keeps the table complete.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.text import slugify

from quartiersnetz.accounts.models import NotificationKind
from quartiersnetz.accounts.notifications import unsubscribe_token
from quartiersnetz.conferences.models import (
    ActionItem,
    AgendaItem,
    Attachment,
    Concern,
    ConcernFollower,
    DatePoll,
    Meeting,
    Minutes,
    MinutesComment,
    PollOption,
    Registration,
    Subscriber,
)
from quartiersnetz.conferences.models import Membership as ConferenceMembership
from quartiersnetz.coordination.models import Agreement, CoordinationSettings, DateHold
from quartiersnetz.core.models import LegalPage, SiteSettings
from quartiersnetz.core.timeutil import local_today
from quartiersnetz.events import workflow
from quartiersnetz.events.models import Event, Report, Status
from quartiersnetz.organizations.models import Membership
from tests.factories import (
    AgendaItemFactory,
    ConcernFactory,
    ConferenceFactory,
    ConferenceMembershipFactory,
    DateHoldFactory,
    EventFactory,
    MeetingFactory,
    MembershipFactory,
    OrganizationFactory,
    ProjectFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "citizen", "member_a", "member_b", "moderator", "editor", "admin")

# Outcomes
OK = "200 page"
LOGIN = "sign-in first"
DENIED = "403 forbidden"
MISSING = "404 not found"
INVALID = "400 form errors"
GONE_ELSEWHERE = "redirect"
NOT_ALLOWED = "405 method not allowed"


def outcome_of(response):
    if response.status_code in (301, 302, 303):
        login = (reverse("account_login"), reverse("admin:login"))
        if response["Location"].startswith(login):
            return LOGIN
        return GONE_ELSEWHERE
    return {
        200: OK,
        400: INVALID,
        403: DENIED,
        404: MISSING,
        405: NOT_ALLOWED,
    }.get(response.status_code, str(response.status_code))


def everyone(outcome):
    return dict.fromkeys(ROLES, outcome)


def signed_in(outcome, anonymous=LOGIN):
    return {**everyone(outcome), "anonymous": anonymous}


def only(allowed, *roles, others=DENIED, anonymous=LOGIN):
    expected = signed_in(others, anonymous)
    expected.update(dict.fromkeys(roles, allowed))
    return expected


EDITORS = ("editor", "admin")


class World:
    """The objects every case works on; built once per case."""

    def __init__(self):
        self.users = {
            "anonymous": None,
            "citizen": UserFactory(email="citizen@example.org"),
            "member_a": UserFactory(email="member-a@example.org"),
            "member_b": UserFactory(email="member-b@example.org"),
            "moderator": UserFactory(email="moderator@example.org", is_moderator=True),
            "editor": UserFactory(email="editor@example.org", is_editor=True),
            "admin": UserFactory(email="admin@example.org", is_superuser=True, is_staff=True),
        }
        self.org_a = OrganizationFactory(name="Heimatverein Welper e.V.")
        self.org_b = OrganizationFactory(name="Bürgergesellschaft Blankenstein e.V.")
        self.membership_a = MembershipFactory(organization=self.org_a, user=self.users["member_a"])
        MembershipFactory(organization=self.org_b, user=self.users["member_b"])
        self.request_to_a = MembershipFactory(
            organization=self.org_a, state=Membership.State.REQUESTED
        )
        self.invitation = MembershipFactory(
            organization=self.org_a,
            user=None,
            invited_email="greta@example.org",
            state=Membership.State.INVITED,
        )
        self.events = {}
        for org_key, org in (("a", self.org_a), ("b", self.org_b)):
            for status in (Status.DRAFT, Status.SUBMITTED, Status.PUBLISHED):
                event = EventFactory(title=f"{status} {org_key}", status=status, organizers=[org])
                self.events[f"{status}_{org_key}"] = event
        self.district = self.events["published_a"].place.district
        self.report = workflow.report_event(self.events["published_b"], reason="wrong")
        self.blocked = UserFactory(email="blocked@example.org", is_active=False)
        self.hold_a = DateHoldFactory(organization=self.org_a, district=self.district)
        self.public_hold_b = DateHoldFactory(
            organization=self.org_b, district=self.district, visibility="public"
        )
        self.agreement = Agreement.objects.create(
            hold=self.hold_a, other_hold=self.public_hold_b, summary="Selbes Wochenende"
        )
        self.agreement.organizations.set([self.org_a, self.org_b])
        for kind in LegalPage.Kind:
            LegalPage.objects.create(kind=kind, title=kind.label, body="Text")
        self._conferences()

    def _conferences(self):
        """The Holthausen conference: member_a takes part for organisation A, member_b
        moderates it for B; the global "moderator" role is the city's coordinator."""
        self.conference = ConferenceFactory(name="Stadtteilkonferenz Holthausen")
        self.conference_member = ConferenceMembershipFactory(
            conference=self.conference, user=self.users["member_a"], on_behalf_of=self.org_a
        )
        ConferenceMembershipFactory(
            conference=self.conference,
            user=self.users["member_b"],
            on_behalf_of=self.org_b,
            role="moderator",
        )
        place = self.events["published_a"].place
        self.meeting = MeetingFactory(conference=self.conference, state="invited", place=place)
        self.internal_meeting = MeetingFactory(
            conference=self.conference,
            is_public=False,
            place=place,
            start=self.meeting.start + dt.timedelta(days=7),
            end=self.meeting.end + dt.timedelta(days=7),
        )
        started = timezone.now() - dt.timedelta(days=2)
        self.past_meeting = MeetingFactory(
            conference=self.conference,
            state="held",
            place=place,
            start=started,
            end=started + dt.timedelta(hours=2),
        )
        self.public_item = AgendaItemFactory(meeting=self.meeting, title="Spielplatz")
        self.internal_item = AgendaItemFactory(
            meeting=self.meeting, title="Förderanträge", is_public=False
        )
        self.registration = Registration.objects.create(
            meeting=self.meeting, name="Erika", email="erika@example.org"
        )
        self.subscriber = Subscriber.objects.create(
            conference=self.conference, email="greta@example.org"
        )
        self.poll = DatePoll.objects.create(conference=self.conference, place=place)
        first = timezone.now() + dt.timedelta(days=40)
        self.poll_option = PollOption.objects.create(
            poll=self.poll, start=first, end=first + dt.timedelta(hours=2)
        )
        PollOption.objects.create(
            poll=self.poll,
            start=first + dt.timedelta(days=7),
            end=first + dt.timedelta(days=7, hours=2),
        )
        self.minutes = Minutes.objects.create(meeting=self.past_meeting, state="in_review")
        self.action_item = ActionItem.objects.create(
            conference=self.conference,
            meeting=self.past_meeting,
            title="Bänke am Quartiersplatz prüfen",
            assignee=self.conference_member,
            due_date=local_today() + dt.timedelta(days=14),
        )
        district = self.conference.districts.get()
        self.concern = ConcernFactory(district=district, title="Keine Bank am Markt")
        self.unconfirmed_concern = ConcernFactory(
            district=district, status="unconfirmed", confirmed_at=None
        )
        self.follower = ConcernFollower.objects.create(
            concern=self.concern, email="folgt@example.org"
        )
        self.named_member = ConferenceMembershipFactory(
            conference=self.conference, user=None, name="Nora Offen", show_contact=True
        )
        # Sent two days ago: the invitation is a public OParl File.
        Meeting.objects.filter(pk=self.meeting.pk).update(
            invited_at=timezone.now() - dt.timedelta(days=2)
        )
        self.project = ProjectFactory(title="Bänke für alle", slug="baenke")
        self.project.conferences.set([self.conference])

    def event(self, key):
        return self.events[key]


def add_internal_attachment(world):
    """Files live under the test's own PRIVATE_MEDIA_ROOT, so the case adds its own."""
    world.attachment = Attachment(
        agenda_item=world.internal_item,
        title="Antrag",
        content_type="application/pdf",
        size=9,
    )
    world.attachment.file.save("antrag.pdf", ContentFile(b"%PDF-1.4\n"), save=True)


@dataclass
class Case:
    name: str
    expected: dict
    method: str = "get"
    kwargs: Callable[[World], dict] = lambda world: {}
    data: Callable[[World], dict] = lambda world: {}
    # The address's query string (GET parameters), if the page needs one.
    query: Callable[[World], str] = lambda world: ""
    # What the request changes; compared before and after.
    state: Callable[[World], Any] | None = None
    setup: Callable[[World], None] | None = None
    id: str = ""
    extra: dict = field(default_factory=dict)

    def __post_init__(self):
        self.id = self.id or f"{self.method} {self.name}"


def next_saturday():
    today = local_today()
    return today + dt.timedelta(days=(5 - today.weekday()) % 7)


def pk_of(key):
    return lambda world: {"pk": world.event(key).pk}


def status_of(key):
    return lambda world: Event.objects.get(pk=world.event(key).pk).status


def enable_anonymous_submissions(world):
    SiteSettings.objects.update_or_create(pk=1, defaults={"anonymous_submissions": True})


PUBLIC_PAGES = [
    "events:home",
    "events:agenda",
    "events:month",
    "events:week",
    "events:week-print",
    "events:calendar-ics",
    "events:rss",
    "events:atom",
    "events:districts",
    "events:organizations",
    "core:imprint",
    "core:privacy",
    "core:accessibility",
    "healthz",
    "account_reset_password",
    "account_reset_password_done",
    "account_email_verification_sent",
    "account_inactive",
]

# Who manages the Holthausen conference: its moderator (member_b), the city's
# coordinator (the global moderator role), editors and administrators.
MANAGERS = ("member_b", "moderator", *EDITORS)


def conference_slug(world):
    return {"slug": world.conference.slug}


def meeting_of(key):
    return lambda world: {"slug": world.conference.slug, "pk": getattr(world, key).pk}


CONFERENCE_CASES = [
    Case("conferences:conferences", everyone(OK)),
    Case("conferences:conference", everyone(OK), kwargs=conference_slug),
    Case("conferences:conference-create", only(OK, "moderator", *EDITORS)),
    Case("conferences:conference-edit", only(OK, *MANAGERS), kwargs=conference_slug),
    Case("conferences:members", only(OK, *MANAGERS), kwargs=conference_slug),
    Case(
        "conferences:members",
        only(GONE_ELSEWHERE, *MANAGERS),
        method="post",
        kwargs=conference_slug,
        data=lambda w: {"new-name": "Greta Gast", "new-role": "guest"},
        state=lambda w: ConferenceMembership.objects.count(),
        id="post add a member",
    ),
    Case(
        "conferences:member-edit",
        only(OK, *MANAGERS),
        kwargs=lambda w: {"slug": w.conference.slug, "pk": w.conference_member.pk},
    ),
    # Finding a date
    Case("conferences:poll-create", only(OK, *MANAGERS), kwargs=conference_slug),
    Case("conferences:poll", only(OK, "member_a", *MANAGERS), kwargs=lambda w: {"pk": w.poll.pk}),
    Case(
        "conferences:poll-answer",
        everyone(OK),
        kwargs=lambda w: {"pk": w.poll.pk, "token": w.conference_member.token},
    ),
    Case(
        "conferences:poll-answer",
        everyone(MISSING),
        kwargs=lambda w: {"pk": w.poll.pk, "token": "not-a-token"},
        id="unknown answer link",
    ),
    Case(
        "conferences:poll-pick",
        only(GONE_ELSEWHERE, *MANAGERS),
        method="post",
        kwargs=lambda w: {"pk": w.poll.pk},
        data=lambda w: {"option": w.poll_option.pk},
        state=lambda w: Meeting.objects.count(),
    ),
    # Citizens' sign-up and invitations by mail
    Case("conferences:sign-up", everyone(OK), kwargs=meeting_of("meeting")),
    Case(
        "conferences:sign-up",
        everyone(GONE_ELSEWHERE),
        method="post",
        kwargs=meeting_of("meeting"),
        data=lambda w: {"name": "Erna", "email": "erna@example.org"},
        state=lambda w: Registration.objects.count(),
    ),
    Case(
        "conferences:registration",
        everyone(OK),
        kwargs=lambda w: {"token": w.registration.token},
    ),
    Case(
        "conferences:registration",
        everyone(GONE_ELSEWHERE),
        method="post",
        kwargs=lambda w: {"token": w.registration.token},
        data=lambda w: {"action": "confirm"},
        state=lambda w: Registration.objects.get(pk=w.registration.pk).status,
    ),
    Case("conferences:registrations", only(OK, *MANAGERS), kwargs=meeting_of("meeting")),
    Case("conferences:attendance", only(OK, *MANAGERS), kwargs=meeting_of("past_meeting")),
    Case("conferences:subscribe", everyone(OK), kwargs=conference_slug),
    Case("conferences:subscription", everyone(OK), kwargs=lambda w: {"token": w.subscriber.token}),
    Case(
        "conferences:unsubscribe",
        everyone(OK),
        method="post",
        kwargs=lambda w: {"token": w.subscriber.token},
        state=lambda w: Subscriber.objects.count(),
    ),
    # Meetings and their agenda
    Case("conferences:meeting-create", only(OK, *MANAGERS), kwargs=conference_slug),
    Case("conferences:meeting", everyone(OK), kwargs=meeting_of("meeting"), id="public meeting"),
    Case(
        "conferences:meeting",
        only(OK, "member_a", *MANAGERS, others=MISSING, anonymous=MISSING),
        kwargs=meeting_of("internal_meeting"),
        id="members-only meeting",
    ),
    Case("conferences:meeting-ics", everyone(OK), kwargs=meeting_of("meeting")),
    Case("conferences:invitation-pdf", everyone(OK), kwargs=meeting_of("meeting")),
    Case("conferences:meeting-edit", only(OK, *MANAGERS), kwargs=meeting_of("meeting")),
    Case("conferences:meeting-cancel", only(OK, *MANAGERS), kwargs=meeting_of("meeting")),
    Case("conferences:meeting-invite", only(OK, *MANAGERS), kwargs=meeting_of("meeting")),
    Case(
        "conferences:meeting-invite",
        only(GONE_ELSEWHERE, *MANAGERS),
        method="post",
        kwargs=meeting_of("meeting"),
        state=lambda w: Meeting.objects.get(pk=w.meeting.pk).invited_at,
    ),
    Case("conferences:agenda", only(OK, *MANAGERS), kwargs=meeting_of("meeting")),
    Case(
        "conferences:agenda-item",
        only(OK, *MANAGERS),
        kwargs=lambda w: {**meeting_of("meeting")(w), "item": w.public_item.pk},
    ),
    Case(
        "conferences:agenda-move",
        only(GONE_ELSEWHERE, *MANAGERS),
        method="post",
        kwargs=lambda w: {**meeting_of("meeting")(w), "item": w.public_item.pk},
        data=lambda w: {"direction": "down"},
        state=lambda w: list(
            AgendaItem.objects.filter(meeting=w.meeting).values_list("pk", flat=True)
        ),
    ),
    Case(
        "conferences:agenda-delete",
        only(OK, *MANAGERS),
        kwargs=lambda w: {**meeting_of("meeting")(w), "item": w.public_item.pk},
    ),
    Case(
        "conferences:attachment-add",
        only(GONE_ELSEWHERE, *MANAGERS),
        kwargs=lambda w: {**meeting_of("meeting")(w), "item": w.public_item.pk},
    ),
    Case(
        "conferences:attachment",
        only(OK, "member_a", *MANAGERS, others=MISSING, anonymous=MISSING),
        kwargs=lambda w: {"pk": w.attachment.pk},
        setup=add_internal_attachment,
        id="attachment of an internal item",
    ),
    Case(
        "conferences:attachment-delete",
        only(OK, *MANAGERS),
        kwargs=lambda w: {"pk": w.attachment.pk},
        setup=add_internal_attachment,
    ),
    # Minutes (sent to the members for comments) and action items
    Case(
        "conferences:minutes",
        only(OK, "member_a", *MANAGERS, others=MISSING, anonymous=MISSING),
        kwargs=meeting_of("past_meeting"),
    ),
    Case(
        "conferences:minutes-pdf",
        only(OK, "member_a", *MANAGERS, others=MISSING, anonymous=MISSING),
        kwargs=meeting_of("past_meeting"),
    ),
    Case("conferences:minutes-edit", only(OK, *MANAGERS), kwargs=meeting_of("past_meeting")),
    Case(
        "conferences:minutes-comment",
        only(GONE_ELSEWHERE, "member_a", *MANAGERS),
        method="post",
        kwargs=meeting_of("past_meeting"),
        data=lambda w: {"text": "Unter TOP 2 fehlt der Termin."},
        state=lambda w: MinutesComment.objects.count(),
    ),
    Case(
        "conferences:minutes-transition",
        only(GONE_ELSEWHERE, *MANAGERS),
        method="post",
        kwargs=lambda w: {**meeting_of("past_meeting")(w), "action": "approve"},
        state=lambda w: Minutes.objects.get(pk=w.minutes.pk).state,
    ),
    Case("conferences:actions", only(OK, "member_a", *MANAGERS), kwargs=conference_slug),
    Case("conferences:all-actions", signed_in(OK)),
    Case(
        "conferences:action-edit",
        only(OK, "member_a", *MANAGERS, others=MISSING),
        kwargs=lambda w: {"pk": w.action_item.pk},
    ),
    Case(
        "conferences:action-edit",
        only(GONE_ELSEWHERE, "member_a", *MANAGERS, others=MISSING),
        method="post",
        kwargs=lambda w: {"pk": w.action_item.pk},
        data=lambda w: {"status": "in_progress"},
        state=lambda w: ActionItem.objects.get(pk=w.action_item.pk).status,
        id="post action item status",
    ),
    Case("conferences:dashboard", only(OK, *MANAGERS)),
    # What the neighbourhood needs: anyone raises and follows, moderators triage
    Case("conferences:concerns", everyone(OK)),
    Case(
        "conferences:district-concerns",
        everyone(OK),
        kwargs=lambda w: {"slug": w.concern.district.slug},
    ),
    Case("conferences:concern-create", everyone(OK)),
    Case(
        "conferences:concern-create",
        everyone(GONE_ELSEWHERE),
        method="post",
        data=lambda w: {
            "district": w.concern.district.slug,
            "title": "Zebrastreifen fehlt",
            "description": "Vor der Schule.",
            "topic": "traffic",
            "name": "Greta",
            "email": "greta@example.org",
        },
        state=lambda w: Concern.objects.count(),
    ),
    Case("conferences:concern", everyone(OK), kwargs=lambda w: {"pk": w.concern.pk}),
    Case(
        "conferences:concern",
        everyone(MISSING),
        kwargs=lambda w: {"pk": w.unconfirmed_concern.pk},
        id="unconfirmed concern",
    ),
    Case(
        "conferences:concern-triage",
        only(OK, *MANAGERS),
        kwargs=lambda w: {"pk": w.concern.pk},
    ),
    Case(
        "conferences:concern-triage",
        only(GONE_ELSEWHERE, *MANAGERS),
        method="post",
        kwargs=lambda w: {"pk": w.concern.pk},
        data=lambda w: {"action": "done", "message": "Die Bank steht."},
        state=lambda w: Concern.objects.get(pk=w.concern.pk).status,
    ),
    Case(
        "conferences:concern-triage",
        only(GONE_ELSEWHERE, "member_a", *MANAGERS),
        method="post",
        kwargs=lambda w: {"pk": w.concern.pk},
        data=lambda w: {"action": "taken_up", "organization": w.org_a.pk},
        state=lambda w: Concern.objects.get(pk=w.concern.pk).status,
        id="post take up for organisation A",
    ),
    Case("conferences:concern-follow", everyone(OK), kwargs=lambda w: {"pk": w.concern.pk}),
    Case(
        "conferences:concern-follow",
        everyone(GONE_ELSEWHERE),
        method="post",
        kwargs=lambda w: {"pk": w.concern.pk},
        data=lambda w: {"email": "neu@example.org"},
        state=lambda w: ConcernFollower.objects.count(),
    ),
    Case(
        "conferences:concern-confirm",
        everyone(OK),
        kwargs=lambda w: {"token": w.unconfirmed_concern.token},
    ),
    Case(
        "conferences:concern-follow-confirm",
        everyone(OK),
        kwargs=lambda w: {"token": w.follower.token},
    ),
    Case(
        "conferences:concern-unfollow", everyone(OK), kwargs=lambda w: {"token": w.follower.token}
    ),
    # Cooperation projects
    Case("conferences:projects", everyone(OK)),
    Case("conferences:project", everyone(OK), kwargs=lambda w: {"slug": w.project.slug}),
    Case("conferences:project-create", only(OK, *MANAGERS)),
    Case(
        "conferences:project-edit",
        only(OK, *MANAGERS),
        kwargs=lambda w: {"slug": w.project.slug},
    ),
    # The OParl 1.1 read API: public data, the same for everyone
    *(
        Case(f"oparl:{name}", everyone(OK))
        for name in (
            "system",
            "body-list",
            "organization-list",
            "person-list",
            "membership-list",
            "meeting-list",
            "agendaitem-list",
            "file-list",
            "location-list",
            "paper-list",
            "consultation-list",
            "legislativeterm-list",
        )
    ),
    Case("oparl:body", everyone(OK), kwargs=lambda w: {"slug": slugify(settings.TOWN_NAME)}),
    Case(
        "oparl:organization",
        everyone(OK),
        kwargs=lambda w: {"kind": "conference", "pk": w.conference.pk},
    ),
    Case(
        "oparl:organization-meetings",
        everyone(OK),
        kwargs=lambda w: {"kind": "conference", "pk": w.conference.pk},
    ),
    Case("oparl:person", everyone(OK), kwargs=lambda w: {"pk": w.named_member.pk}),
    Case(
        "oparl:person",
        everyone(MISSING),
        kwargs=lambda w: {"pk": w.conference_member.pk},
        id="person without consent",
    ),
    Case("oparl:membership", everyone(OK), kwargs=lambda w: {"pk": w.conference_member.pk}),
    Case("oparl:meeting", everyone(OK), kwargs=lambda w: {"pk": w.meeting.pk}),
    Case(
        "oparl:meeting",
        everyone(MISSING),
        kwargs=lambda w: {"pk": w.internal_meeting.pk},
        id="members-only meeting in OParl",
    ),
    Case("oparl:agendaitem", everyone(OK), kwargs=lambda w: {"pk": w.public_item.pk}),
    Case(
        "oparl:agendaitem",
        everyone(MISSING),
        kwargs=lambda w: {"pk": w.internal_item.pk},
        id="internal agenda item in OParl",
    ),
    Case(
        "oparl:file",
        everyone(OK),
        kwargs=lambda w: {"kind": "invitation", "pk": w.meeting.pk},
    ),
    Case("oparl:location", everyone(OK), kwargs=lambda w: {"pk": w.meeting.place_id}),
    Case("oparl:not-found", everyone(MISSING), kwargs=lambda w: {"rest": "x"}),
]

CASES = [
    *(Case(name, everyone(OK)) for name in PUBLIC_PAGES),
    Case("events:event", everyone(OK), kwargs=pk_of("published_a"), id="published event"),
    Case("events:event", everyone(MISSING), kwargs=pk_of("draft_a"), id="draft event"),
    Case("events:event-ics", everyone(OK), kwargs=pk_of("published_a")),
    Case("events:event-ics", everyone(MISSING), kwargs=pk_of("submitted_a"), id="draft ics"),
    Case("events:district", everyone(OK), kwargs=lambda w: {"slug": w.district.slug}),
    Case("events:district-ics", everyone(OK), kwargs=lambda w: {"slug": w.district.slug}),
    Case("events:organization", everyone(OK), kwargs=lambda w: {"slug": w.org_a.slug}),
    Case("events:organization-ics", everyone(OK), kwargs=lambda w: {"slug": w.org_a.slug}),
    Case(
        "set_language", everyone(GONE_ELSEWHERE), method="post", data=lambda w: {"language": "en"}
    ),
    # Reporting an event: anyone, for listed events only.
    Case("events:report", everyone(OK), kwargs=pk_of("published_b")),
    Case("events:report", everyone(MISSING), kwargs=pk_of("draft_b"), id="report a draft"),
    Case(
        "events:report",
        everyone(GONE_ELSEWHERE),
        method="post",
        kwargs=pk_of("published_b"),
        data=lambda w: {"reason": "spam", "message": "Werbung"},
        state=lambda w: Report.objects.count(),
    ),
    # Sign-up, sign-in and the account pages of allauth
    Case("account_login", signed_in(GONE_ELSEWHERE, anonymous=OK)),
    Case("account_signup", signed_in(GONE_ELSEWHERE, anonymous=OK)),
    Case("account_logout", signed_in(OK, anonymous=GONE_ELSEWHERE)),
    Case("account_email", signed_in(OK)),
    Case("account_change_password", signed_in(OK)),
    Case("account_set_password", signed_in(GONE_ELSEWHERE)),
    Case("account_reauthenticate", signed_in(OK)),
    # Without a code sent, there is nothing to confirm.
    Case("account_confirm_login_code", signed_in(GONE_ELSEWHERE)),
    Case("account_confirm_email", everyone(OK), kwargs=lambda w: {"key": "no-such-key"}),
    Case(
        "account_reset_password_from_key",
        everyone(OK),
        kwargs=lambda w: {"uidb36": "zz", "key": "no-such-key"},
    ),
    Case("account_reset_password_from_key_done", everyone(OK)),
    # The person's own pages
    Case("accounts:privacy", signed_in(OK)),
    Case("accounts:download", signed_in(OK)),
    Case(
        "accounts:erase",
        signed_in(INVALID),
        method="post",
        data=lambda w: {"password": "wrong"},
        state=lambda w: sorted(w.users[r].pk for r in ROLES if w.users[r]),
    ),
    Case("accounts:notifications", signed_in(OK)),
    Case(
        "accounts:unsubscribe",
        everyone(OK),
        kwargs=lambda w: {
            "token": unsubscribe_token(w.users["citizen"], NotificationKind.REVIEW_RESULTS)
        },
    ),
    Case("organizations:mine", signed_in(OK)),
    Case(
        "organizations:leave",
        signed_in(GONE_ELSEWHERE),
        method="post",
        kwargs=lambda w: {"pk": w.membership_a.pk},
        # Only the member herself leaves; everyone else finds no membership of theirs.
        state=lambda w: Membership.objects.filter(pk=w.membership_a.pk).exists(),
        extra={"changes_for": ("member_a",)},
    ),
    # Roles and blocking
    Case("accounts:roles", only(OK, "admin")),
    Case(
        "accounts:set-roles",
        only(GONE_ELSEWHERE, "admin"),
        method="post",
        kwargs=lambda w: {"pk": w.users["citizen"].pk},
        data=lambda w: {"is_editor": "on"},
        state=lambda w: type(w.users["citizen"]).objects.get(pk=w.users["citizen"].pk).is_editor,
        extra={"unchanged_for": ("citizen",)},
    ),
    Case("accounts:people", only(OK, *EDITORS)),
    Case("accounts:block", only(OK, *EDITORS), kwargs=lambda w: {"pk": w.users["citizen"].pk}),
    Case(
        "accounts:block",
        only(GONE_ELSEWHERE, *EDITORS),
        method="post",
        kwargs=lambda w: {"pk": w.users["citizen"].pk},
        data=lambda w: {"reason": "Spam"},
        state=lambda w: type(w.users["citizen"]).objects.get(pk=w.users["citizen"].pk).is_active,
        extra={"unchanged_for": ("citizen",)},
    ),
    Case(
        "accounts:unblock",
        only(GONE_ELSEWHERE, *EDITORS),
        method="post",
        kwargs=lambda w: {"pk": w.blocked.pk},
        state=lambda w: type(w.blocked).objects.get(pk=w.blocked.pk).is_active,
    ),
    # Legal pages are edited by administrators
    *(
        Case(f"core:{kind}-edit", only(OK, "admin"))
        for kind in ("imprint", "privacy", "accessibility")
    ),
    # Organisation members
    Case(
        "organizations:members",
        only(OK, "member_a", *EDITORS),
        kwargs=lambda w: {"slug": w.org_a.slug},
    ),
    Case(
        "organizations:invite",
        only(GONE_ELSEWHERE, *EDITORS),
        method="post",
        kwargs=lambda w: {"slug": w.org_a.slug},
        data=lambda w: {"email": "neu@example.org", "role": "member"},
        state=lambda w: Membership.objects.filter(invited_email="neu@example.org").count(),
    ),
    Case(
        "organizations:request",
        signed_in(GONE_ELSEWHERE),
        method="post",
        kwargs=lambda w: {"slug": w.org_b.slug},
    ),
    *(
        Case(
            f"organizations:{action}",
            only(GONE_ELSEWHERE, *EDITORS),
            method="post",
            kwargs=lambda w: {"slug": w.org_a.slug, "pk": w.request_to_a.pk},
            state=lambda w: list(
                Membership.objects.filter(pk=w.request_to_a.pk).values_list("state", flat=True)
            ),
        )
        for action in ("approve", "decline", "remove")
    ),
    Case(
        "organizations:accept",
        signed_in(OK),
        kwargs=lambda w: {"token": w.invitation.token},
    ),
    Case(
        "organizations:accept",
        signed_in(GONE_ELSEWHERE),
        method="post",
        kwargs=lambda w: {"token": w.invitation.token},
        # Invited was greta@example.org: nobody of the roles may take the invitation.
        state=lambda w: Membership.objects.get(pk=w.invitation.pk).state,
        extra={"unchanged_for": ROLES},
    ),
    # The organisers' pages: A's events for A's members and the editors
    Case("events:mine", signed_in(OK)),
    Case("events:create", only(OK, "member_a", "member_b", *EDITORS)),
    Case("events:edit", only(OK, "member_a", *EDITORS), kwargs=pk_of("draft_a")),
    Case(
        "events:edit",
        only(INVALID, "member_b", *EDITORS),
        method="post",
        kwargs=pk_of("draft_b"),
        data=lambda w: {"title": "Übernommen"},
        state=lambda w: Event.objects.get(pk=w.event("draft_b").pk).title,
        extra={"unchanged_for": ROLES},
        id="post events:edit of B's event",
    ),
    Case("events:preview", only(OK, "member_a", *EDITORS), kwargs=pk_of("draft_a")),
    Case("events:duplicate", only(OK, "member_a", *EDITORS), kwargs=pk_of("published_a")),
    Case(
        "events:submit",
        only(GONE_ELSEWHERE, "member_a", *EDITORS),
        method="post",
        kwargs=pk_of("draft_a"),
        state=status_of("draft_a"),
    ),
    Case(
        "events:withdraw",
        only(GONE_ELSEWHERE, "member_b", *EDITORS),
        method="post",
        kwargs=pk_of("submitted_b"),
        state=status_of("submitted_b"),
    ),
    Case("events:cancel", only(OK, "member_a", *EDITORS), kwargs=pk_of("published_a")),
    Case(
        "events:cancel",
        only(GONE_ELSEWHERE, "member_a", *EDITORS),
        method="post",
        kwargs=pk_of("published_a"),
        state=status_of("published_a"),
    ),
    Case("events:postpone", only(OK, "member_b", *EDITORS), kwargs=pk_of("published_b")),
    Case(
        "events:postpone",
        only(INVALID, "member_b", *EDITORS),
        method="post",
        kwargs=pk_of("published_b"),
        state=status_of("published_b"),
        extra={"unchanged_for": ROLES},
    ),
    Case("events:delete", only(OK, "member_a", *EDITORS), kwargs=pk_of("draft_a")),
    Case(
        "events:delete",
        only(GONE_ELSEWHERE, "member_a", *EDITORS),
        method="post",
        kwargs=pk_of("draft_a"),
        state=lambda w: Event.objects.filter(pk=w.event("draft_a").pk).exists(),
    ),
    # Submitting without an account: off by default, then open to everyone
    Case("events:submit-anonymously", everyone(MISSING), id="anonymous submission off"),
    Case(
        "events:submit-anonymously",
        {**everyone(OK), **dict.fromkeys(("member_a", "member_b", *EDITORS), GONE_ELSEWHERE)},
        setup=enable_anonymous_submissions,
        id="anonymous submission on",
    ),
    Case("events:confirm-submission", everyone(INVALID), kwargs=lambda w: {"token": "forged"}),
    Case("events:stop-submitter-mails", everyone(INVALID), kwargs=lambda w: {"token": "x"}),
    # The editors' pages
    Case("events:review-queue", only(OK, *EDITORS)),
    Case("events:review", only(OK, *EDITORS), kwargs=pk_of("submitted_b")),
    Case(
        "events:approve",
        only(GONE_ELSEWHERE, *EDITORS),
        method="post",
        kwargs=pk_of("submitted_b"),
        state=status_of("submitted_b"),
    ),
    *(
        Case(
            f"events:{action}",
            only(GONE_ELSEWHERE, *EDITORS),
            method="post",
            kwargs=pk_of(key),
            data=lambda w: {"reason": "Bitte prüfen", "message": "Bitte prüfen"},
            state=status_of(key),
        )
        for action, key in (
            ("reject", "submitted_b"),
            ("request-changes", "submitted_b"),
            ("unpublish", "published_b"),
        )
    ),
    Case(
        "events:resolve-report",
        only(GONE_ELSEWHERE, *EDITORS),
        method="post",
        kwargs=lambda w: {"pk": w.report.pk},
        state=lambda w: Report.objects.get(pk=w.report.pk).resolved_at is not None,
    ),
    # Date coordination: holds (organisers see each other's), public "save the date"
    Case("coordination:holds", signed_in(OK)),
    Case("coordination:hold-create", only(OK, "member_a", "member_b", *EDITORS)),
    Case(
        "coordination:hold-create",
        {**only(GONE_ELSEWHERE, "member_a", *EDITORS), "member_b": INVALID},
        method="post",
        data=lambda w: {
            "organization": w.org_a.pk,
            "title": "Neues Fest",
            "first_day": (local_today() + dt.timedelta(days=60)).isoformat(),
            "district": w.district.pk,
            "audience": "everyone",
            "visibility": "organisers",
            "justification": "Seit Jahren an diesem Tag",
        },
        state=lambda w: DateHold.objects.count(),
    ),
    Case(
        "coordination:hold",
        only(OK, "member_a", "member_b", *EDITORS, others=MISSING),
        kwargs=lambda w: {"pk": w.hold_a.pk},
        id="organisers-only hold",
    ),
    Case(
        "coordination:hold",
        only(OK, "member_a", "member_b", *EDITORS, others=GONE_ELSEWHERE),
        kwargs=lambda w: {"pk": w.public_hold_b.pk},
        id="public hold",
    ),
    Case(
        "coordination:hold-edit",
        only(OK, "member_a", *EDITORS),
        kwargs=lambda w: {"pk": w.hold_a.pk},
    ),
    Case(
        "coordination:hold-edit",
        only(INVALID, "member_a", *EDITORS),
        method="post",
        kwargs=lambda w: {"pk": w.hold_a.pk},
        data=lambda w: {"title": "Übernommen"},
        state=lambda w: DateHold.objects.get(pk=w.hold_a.pk).title,
        extra={"unchanged_for": ROLES},
        id="post coordination:hold-edit of A's hold",
    ),
    Case(
        "coordination:hold-release",
        only(OK, "member_a", *EDITORS),
        kwargs=lambda w: {"pk": w.hold_a.pk},
    ),
    Case(
        "coordination:hold-release",
        only(GONE_ELSEWHERE, "member_a", *EDITORS),
        method="post",
        kwargs=lambda w: {"pk": w.hold_a.pk},
        state=lambda w: DateHold.objects.filter(pk=w.hold_a.pk).exists(),
    ),
    Case("coordination:save-the-date", everyone(OK)),
    Case(
        "coordination:public-hold",
        everyone(OK),
        kwargs=lambda w: {"pk": w.public_hold_b.pk},
        id="public page of a public hold",
    ),
    Case(
        "coordination:public-hold",
        everyone(MISSING),
        kwargs=lambda w: {"pk": w.hold_a.pk},
        id="public page of an organisers-only hold",
    ),
    Case("coordination:settings", only(OK, "admin")),
    Case(
        "coordination:settings",
        only(GONE_ELSEWHERE, "admin"),
        method="post",
        data=lambda w: {
            "large_event_attendance": "1000",
            "neighbour_distance_km": "2.5",
            "weight_same_district": "30",
            "weight_neighbour_district": "15",
            "weight_large_same_weekend": "40",
            "weight_same_audience": "10",
            "weight_public_holiday": "10",
            "weight_school_holidays": "15",
            "weight_bridge_day": "0",
            "high_severity_from": "40",
        },
        state=lambda w: CoordinationSettings.load().weight_bridge_day,
    ),
    # Conflicts while typing and better dates reveal organisers-only holds
    *(
        Case(
            name,
            only(OK, "member_a", "member_b", *EDITORS),
            kwargs=lambda w: {},
        )
        for name in ("coordination:conflicts", "coordination:suggestions")
    ),
    # Absprache between the organisations of a clash
    Case("coordination:agreements", signed_in(OK)),
    Case(
        "coordination:agreement",
        only(OK, "member_a", "member_b", *EDITORS),
        kwargs=lambda w: {"pk": w.agreement.pk},
    ),
    Case(
        "coordination:agreement",
        # B's member may not write for A; editors read but write for no organisation.
        {**only(GONE_ELSEWHERE, "member_a"), "member_b": INVALID},
        method="post",
        kwargs=lambda w: {"pk": w.agreement.pk},
        data=lambda w: {"organization": w.org_a.pk, "text": "Können wir tauschen?"},
        state=lambda w: w.agreement.messages.count(),
    ),
    # The umbrella round's year board and its exports: public
    Case(
        "coordination:year-board-cell",
        everyone(OK),
        query=lambda w: f"weekend={next_saturday():%Y-%m-%d}&district={w.district.slug}",
    ),
    Case("coordination:year-board-cell", everyone(INVALID), id="year board cell without weekend"),
    *(
        Case(name, everyone(OK))
        for name in (
            "coordination:year-board",
            "coordination:year-board-print",
            "coordination:year-board-csv",
            "coordination:year-board-ics",
        )
    ),
    # The editorial office (Django admin): editors and administrators
    Case("admin:index", only(OK, *EDITORS, others=LOGIN)),
    *CONFERENCE_CASES,
]


def _request(client, case, world, role):
    user = world.users[role]
    if user is None:
        client.logout()
    else:
        client.force_login(user)
    url = reverse(case.name, kwargs=case.kwargs(world))
    if case.query(world):
        url = f"{url}?{case.query(world)}"
    if case.method == "post":
        return client.post(url, case.data(world))
    return client.get(url)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module and rolled back at its end; every case and role runs
    in a savepoint of its own on top of it."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield World()
        transaction.set_rollback(True)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_each_role_gets_the_expected_outcome(client, world, case):
    if case.setup:
        case.setup(world)
    outcomes, wrong_changes = {}, []
    for role in ROLES:
        cache.clear()  # rate limits count per test run, not across roles
        with transaction.atomic():
            before = case.state(world) if case.state else None
            response = _request(client, case, world, role)
            outcomes[role] = outcome_of(response)
            if response.streaming:
                # Read to the end: the test client then closes the file it streams.
                b"".join(response.streaming_content)
            if case.state:
                changed = case.state(world) != before
                allowed = outcomes[role] in (GONE_ELSEWHERE, OK)
                expect_change = allowed and role not in case.extra.get("unchanged_for", ())
                if "changes_for" in case.extra:
                    expect_change = role in case.extra["changes_for"]
                if changed != expect_change:
                    wrong_changes.append(role)
            transaction.set_rollback(True)
    assert outcomes == case.expected
    assert wrong_changes == [], f"state changed wrongly for {wrong_changes}"


def _names(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _names(pattern.url_patterns, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def test_every_address_is_in_the_matrix():
    """A new page must be added to CASES with its outcome for every role."""
    names = set(_names(get_resolver().url_patterns))
    # The Django admin's own pages are covered by its permission checks (admin:index
    # is in the matrix); the media route exists only with DEBUG.
    site_names = {name for name in names if not name.startswith("admin:")}
    assert site_names - {case.name for case in CASES} == set()


def test_the_roles_are_who_they_claim_to_be(world):
    assert not any(
        user.has_perm("events.manage_event", world.event("draft_b"))
        for user in (world.users["member_a"], world.users["citizen"], AnonymousUser())
    )
    assert world.users["member_b"].has_perm("events.manage_event", world.event("draft_b"))


def test_the_conference_roles_are_who_they_claim_to_be(world):
    conference, users = world.conference, world.users
    assert users["member_a"].has_perm("conferences.view_internal", conference)
    assert not users["member_a"].has_perm("conferences.manage_conference", conference)
    assert users["member_b"].has_perm("conferences.manage_conference", conference)
    assert users["moderator"].has_perm("conferences.manage_conference", conference)
    assert not users["citizen"].has_perm("conferences.view_internal", conference)
    other = ConferenceFactory(name="Stadtteilkonferenz Welper")
    assert not users["member_b"].has_perm("conferences.manage_conference", other)
