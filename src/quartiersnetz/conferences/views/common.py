"""What every conference view needs: the conference or meeting of the address, with
its permission checked."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from quartiersnetz.conferences.models import Conference, Meeting

VIEW = "conferences.see_conference"
VIEW_INTERNAL = "conferences.view_internal"
MANAGE = "conferences.manage_conference"


def conference_for(request, slug, permission=VIEW):
    """The conference of the address; 404 when unknown (or inactive and the person may
    not see it), 403 without the permission."""
    conference = get_object_or_404(Conference, slug=slug)
    if not request.user.has_perm(VIEW, conference):
        raise Http404
    if permission != VIEW and not request.user.has_perm(permission, conference):
        raise PermissionDenied
    return conference


def meeting_for(request, slug, pk, permission=VIEW):
    """The meeting of the address with its conference, place and calendar entry."""
    meeting = get_object_or_404(
        Meeting.objects.select_related("conference", "place", "place__district", "event"),
        pk=pk,
        conference__slug=slug,
    )
    conference = meeting.conference
    if not request.user.has_perm(VIEW, conference):
        raise Http404
    if not meeting.is_public and not request.user.has_perm(VIEW_INTERNAL, conference):
        # A members-only meeting is not announced: its address tells nobody else anything.
        raise Http404
    if permission != VIEW and not request.user.has_perm(permission, conference):
        raise PermissionDenied
    return meeting


def can(request, conference):
    """What the person may do in the conference, for templates."""
    user = request.user
    return {
        "view_internal": user.has_perm(VIEW_INTERNAL, conference),
        "manage": user.has_perm(MANAGE, conference),
    }


def private(response):
    """Pages reached by a personal link or showing personal data: never stored by
    shared caches, never indexed."""
    response["X-Robots-Tag"] = "noindex"
    response["Cache-Control"] = "private, no-store"
    return response


def refusal_text(error):
    """A domain function's ValidationError as one line for a message."""
    return " ".join(error.messages)


def by_token(request, queryset, token, unknown_template):
    """(the object of a personal link, None), or (None, a private 404 page)."""
    found = queryset.filter(token=token).first()
    if found is None:
        return None, private(render(request, unknown_template, status=404))
    return found, None
