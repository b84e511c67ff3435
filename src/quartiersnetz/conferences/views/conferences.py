"""Conferences: the list, a conference's page, creating and editing it, and its members."""

from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef, Q, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from quartiersnetz.conferences.domain import conferences as domain
from quartiersnetz.conferences.domain import polls
from quartiersnetz.conferences.forms import ConferenceForm, EndMembershipForm, MembershipForm
from quartiersnetz.conferences.models import ActionItem, Conference, Meeting, Membership
from quartiersnetz.conferences.views.common import MANAGE, can, conference_for
from quartiersnetz.core.activity import history
from quartiersnetz.core.timeutil import local_today

CREATE = "conferences.create_conference"
# Past meetings listed on a conference's page.
PAST_MEETINGS_SHOWN = 12
# Entries of the activity log on the members page.
LOG_SHOWN = 20


def _upcoming(meetings, now):
    return meetings.filter(end__gte=now).exclude(state=Meeting.State.CANCELLED)


def conference_list(request):
    now = timezone.now()
    next_public = _upcoming(Meeting.objects.filter(conference=OuterRef("pk"), is_public=True), now)
    conferences = Conference.objects.prefetch_related("districts").annotate(
        next_meeting_start=Subquery(next_public.order_by("start").values("start")[:1])
    )
    if not request.user.has_perm(CREATE):
        conferences = conferences.filter(is_active=True)
    conferences = list(conferences)
    return render(
        request,
        "conferences/conference_list.html",
        {
            "district_conferences": [c for c in conferences if c.kind == Conference.Kind.DISTRICT],
            "umbrella_rounds": [c for c in conferences if c.kind == Conference.Kind.UMBRELLA],
            "can_create": request.user.has_perm(CREATE),
        },
    )


def _participants(conference, show_everyone):
    """Who takes part, grouped: (organisation or None, [memberships]). Without
    view_internal only people who agreed are named; organisations are always shown."""
    groups = []
    for organization, members in groupby(
        domain.current_members(conference), key=lambda membership: membership.on_behalf_of
    ):
        members = list(members)
        named = [m for m in members if show_everyone or m.show_contact]
        if organization is None and not named:
            continue
        groups.append((organization, named))
    return groups


def conference_detail(request, slug):
    conference = conference_for(request, slug)
    allowed = can(request, conference)
    now = timezone.now()
    meetings = conference.meetings.select_related("place", "minutes")
    if not allowed["view_internal"]:
        meetings = meetings.filter(is_public=True)
    upcoming = list(meetings.filter(end__gte=now).order_by("start")[:5])
    published = Q(minutes__state="published")
    past = meetings.filter(end__lt=now).exclude(state=Meeting.State.CANCELLED)
    if not allowed["view_internal"]:
        # Citizens see a past meeting when its minutes are public.
        past = past.filter(published)
    context = {
        "conference": conference,
        "can": allowed,
        "districts": list(conference.districts.all()),
        "participants": _participants(conference, allowed["view_internal"]),
        "upcoming": upcoming,
        "next_meeting": next((m for m in upcoming if not m.is_cancelled), None),
        "past": list(past.order_by("-start")[:PAST_MEETINGS_SHOWN]),
    }
    if allowed["view_internal"]:
        open_items = conference.action_items.filter(status__in=ActionItem.OPEN_STATUSES)
        context["open_actions"] = open_items.count()
        context["overdue_actions"] = open_items.filter(due_date__lt=local_today()).count()
        context["polls"] = list(polls.open_polls(conference))
    return render(request, "conferences/conference_detail.html", context)


def _save_conference(request, form):
    if not form.is_valid():
        return None
    try:
        return domain.save_conference(form, request.user)
    except ValidationError as error:
        form.add_error(None, error)
        return None


@login_required
@require_http_methods(["GET", "POST"])
def conference_create(request):
    if not request.user.has_perm(CREATE):
        raise PermissionDenied
    form = ConferenceForm(request.POST or None)
    if request.method == "POST":
        conference = _save_conference(request, form)
        if conference is not None:
            messages.success(request, _("The conference has been created. Now add its members."))
            return redirect("conferences:members", slug=conference.slug)
    return render(
        request,
        "conferences/conference_form.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def conference_edit(request, slug):
    conference = conference_for(request, slug, MANAGE)
    form = ConferenceForm(request.POST or None, instance=conference)
    if request.method == "POST":
        saved = _save_conference(request, form)
        if saved is not None:
            messages.success(request, _("The changes have been saved."))
            return redirect(saved)
    return render(
        request,
        "conferences/conference_form.html",
        {"form": form, "conference": conference},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_list(request, slug):
    conference = conference_for(request, slug, MANAGE)
    form = MembershipForm(request.POST or None, prefix="new")
    if request.method == "POST" and form.is_valid():
        try:
            membership = domain.add_member(conference, user=request.user, data=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("%(name)s now takes part in the conference.") % {"name": membership}
            )
            return redirect("conferences:members", slug=conference.slug)
    today = local_today()
    memberships = conference.memberships.select_related("on_behalf_of", "user")
    return render(
        request,
        "conferences/members.html",
        {
            "conference": conference,
            "can": can(request, conference),
            "current": list(memberships.current(today).order_by("on_behalf_of__name", "name")),
            "former": list(memberships.filter(end_date__lt=today).order_by("-end_date")),
            "future": list(memberships.filter(start_date__gt=today).order_by("start_date")),
            "form": form,
            "log": history(conference)[:LOG_SHOWN],
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request, slug, pk):
    conference = conference_for(request, slug, MANAGE)
    membership = get_object_or_404(
        Membership.objects.select_related("on_behalf_of", "user"), pk=pk, conference=conference
    )
    ending = request.method == "POST" and request.POST.get("action") == "end"
    form = MembershipForm(None if ending else request.POST or None, instance=membership)
    end_form = EndMembershipForm(request.POST if ending else None, prefix="end")
    if request.method == "POST":
        try:
            if ending and end_form.is_valid():
                domain.end_membership(
                    membership, user=request.user, end_date=end_form.cleaned_data["end_date"]
                )
                messages.success(
                    request, _("%(name)s has left the conference.") % {"name": membership}
                )
                return redirect("conferences:members", slug=conference.slug)
            if not ending and form.is_valid():
                domain.update_member(form, request.user)
                messages.success(request, _("The changes have been saved."))
                return redirect("conferences:members", slug=conference.slug)
        except ValidationError as error:
            (end_form if ending else form).add_error(None, error)
    return render(
        request,
        "conferences/member_form.html",
        {"conference": conference, "membership": membership, "form": form, "end_form": end_form},
        status=400 if form.errors or end_form.errors else 200,
    )
