"""Meetings: planning and editing one (with the clashes of its date), its public page,
the invitation (preview and sending), the cancellation, its calendar file and PDF."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from quartiersnetz.conferences.domain import agenda, invitations
from quartiersnetz.conferences.domain import meetings as domain
from quartiersnetz.conferences.forms_meetings import CancelMeetingForm, MeetingForm
from quartiersnetz.conferences.models import Meeting, Minutes
from quartiersnetz.conferences.pdf import pdf_response
from quartiersnetz.conferences.views.common import (
    MANAGE,
    VIEW_INTERNAL,
    can,
    conference_for,
    meeting_for,
)
from quartiersnetz.core.text import render_markdown


def _conflict_check(meeting):
    # A warning only: no reason is asked for, so nothing is "serious" here.
    return {"checked": True, "conflicts": domain.conflicts(meeting), "serious": False}


def _candidate(form, conference, meeting=None):
    """An unsaved meeting with the form's valid date and place, for the clash check."""
    data = form.cleaned_data if hasattr(form, "cleaned_data") else {}
    if not (data.get("date") and data.get("start_time") and data.get("end_time")):
        return None
    candidate = Meeting(conference=conference, **_date_place(form.meeting_data()))
    if meeting is not None:
        candidate.pk, candidate.event_id = meeting.pk, meeting.event_id
    return candidate


def _date_place(data):
    return {"start": data["start"], "end": data["end"], "place": data["place"]}


def _form_page(request, form, conference, *, meeting=None, status=200, check=None):
    if request.htmx and request.method == "POST" and "check" in request.POST:
        # The form's live region asks for the clashes of what is typed so far.
        return render(
            request,
            "coordination/includes/conflicts.html",
            check or {"checked": False},
        )
    context = {
        "form": form,
        "conference": conference,
        "meeting": meeting,
        "conflict_check": check,
    }
    return render(request, "conferences/meeting_form.html", context, status=status)


def _check_only(request, form, conference, meeting=None):
    """The "check for clashes" button: the form again with the clashes, nothing saved."""
    form.is_valid()
    candidate = _candidate(form, conference, meeting)
    check = None
    if candidate is not None and candidate.end > candidate.start:
        check = _conflict_check(candidate)
    return _form_page(request, form, conference, meeting=meeting, check=check)


def _warn_about_conflicts(request, meeting):
    found = domain.conflicts(meeting)
    if not found:
        return
    text = ngettext(
        "Note: %(count)s other plan competes with this date:",
        "Note: %(count)s other plans compete with this date:",
        len(found),
    ) % {"count": len(found)}
    messages.warning(request, " ".join([text, *(conflict.message for conflict in found[:3])]))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def meeting_create(request, slug):
    conference = conference_for(request, slug, MANAGE)
    if request.method != "POST":
        return _form_page(request, MeetingForm(initial={"is_public": True}), conference)
    form = MeetingForm(request.POST)
    if "check" in request.POST:
        return _check_only(request, form, conference)
    if not form.is_valid():
        return _form_page(request, form, conference, status=400)
    try:
        meeting = domain.create_meeting(conference, form.meeting_data(), request.user)
    except ValidationError as error:
        form.add_domain_errors(error)
        candidate = _candidate(form, conference)
        check = (
            _conflict_check(candidate)
            if candidate is not None and candidate.end > candidate.start
            else None
        )
        return _form_page(request, form, conference, status=400, check=check)
    messages.success(
        request,
        _("The meeting has been planned. Add the agenda, then send the invitations."),
    )
    _warn_about_conflicts(request, meeting)
    return redirect(meeting)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def meeting_edit(request, slug, pk):
    meeting = meeting_for(request, slug, pk, MANAGE)
    conference = meeting.conference
    if meeting.is_cancelled:
        messages.info(request, _("The meeting has been cancelled and can no longer be changed."))
        return redirect(meeting)
    if request.method != "POST":
        form = MeetingForm(meeting=meeting)
        return _form_page(
            request, form, conference, meeting=meeting, check=_conflict_check(meeting)
        )
    form = MeetingForm(request.POST)
    if "check" in request.POST:
        return _check_only(request, form, conference, meeting)
    if not form.is_valid():
        return _form_page(request, form, conference, meeting=meeting, status=400)
    try:
        changes = domain.update_meeting(meeting, form.meeting_data(), request.user)
    except ValidationError as error:
        if getattr(error, "code", None) in ("gone", "cancelled"):
            messages.error(request, " ".join(error.messages))
            return redirect(conference)
        form.add_domain_errors(error)
        return _form_page(request, form, conference, meeting=meeting, status=400)
    if not changes:
        messages.info(request, _("Nothing has changed."))
    elif meeting.state == Meeting.State.INVITED and changes.keys() & domain.INVITATION_FIELDS:
        messages.success(
            request,
            _("The changes have been saved and everyone invited has received the update."),
        )
    else:
        messages.success(request, _("The changes have been saved."))
    if changes.keys() & {"start", "end", "place"}:
        _warn_about_conflicts(request, meeting)
    return redirect(meeting)


def _published_minutes(meeting):
    try:
        minutes = meeting.minutes
    except Minutes.DoesNotExist:
        return None
    return minutes if minutes.state == Minutes.State.PUBLISHED else None


@require_http_methods(["GET", "HEAD"])
def meeting_detail(request, slug, pk):
    meeting = meeting_for(request, slug, pk)
    allowed = can(request, meeting.conference)
    now = timezone.now()
    entries = agenda.numbered_items(meeting, public_only=not allowed["view_internal"])
    context = {
        "meeting": meeting,
        "conference": meeting.conference,
        "can": allowed,
        "tree": agenda.nested(entries),
        "is_past": meeting.end <= now,
        "show_signup": (
            meeting.is_public and meeting.state == Meeting.State.INVITED and meeting.start > now
        ),
        "minutes": _published_minutes(meeting),
        "note_html": render_markdown(meeting.note),
    }
    return render(request, "conferences/meeting_detail.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def meeting_cancel(request, slug, pk):
    meeting = meeting_for(request, slug, pk, MANAGE)
    if meeting.state not in (Meeting.State.PLANNED, Meeting.State.INVITED):
        messages.info(
            request,
            _("Only a planned meeting can be cancelled; this one is %(state)s.")
            % {"state": meeting.get_state_display()},
        )
        return redirect(meeting)
    form = CancelMeetingForm(request.POST if request.method == "POST" else None)
    context = {"meeting": meeting, "conference": meeting.conference, "form": form}
    if request.method != "POST":
        return render(request, "conferences/meeting_cancel.html", context)
    if not form.is_valid():
        return render(request, "conferences/meeting_cancel.html", context, status=400)
    try:
        domain.cancel_meeting(meeting, form.cleaned_data["reason"], request.user)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            form.add_error("reason", error.message_dict.get("reason", error.messages))
            return render(request, "conferences/meeting_cancel.html", context, status=400)
        messages.info(request, " ".join(error.messages))
        return redirect(meeting)
    if meeting.invited_at is not None:
        messages.success(
            request,
            _("The meeting has been cancelled; everyone invited has been told."),
        )
    else:
        messages.success(request, _("The meeting has been cancelled."))
    return redirect(meeting)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def meeting_invite(request, slug, pk):
    meeting = meeting_for(request, slug, pk, MANAGE)
    if request.method == "POST":
        try:
            count = invitations.send_invitations(meeting, request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("conferences:meeting-invite", slug=slug, pk=pk)
        messages.success(
            request,
            ngettext(
                "The invitation has been sent to %(count)s person.",
                "The invitation has been sent to %(count)s people.",
                count,
            )
            % {"count": count},
        )
        return redirect(meeting)
    counts = invitations.recipient_counts(meeting)
    context = {
        "meeting": meeting,
        "conference": meeting.conference,
        "member_tree": agenda.nested(agenda.numbered_items(meeting)),
        "public_tree": agenda.nested(agenda.numbered_items(meeting, public_only=True)),
        "member_count": counts[invitations.Kind.MEMBER],
        "subscriber_count": counts[invitations.Kind.SUBSCRIBER],
        "total": sum(counts.values()),
        "can_send": meeting.state in (Meeting.State.PLANNED, Meeting.State.INVITED)
        and meeting.end > timezone.now(),
        "location": invitations.location_text(meeting),
        "note_html": render_markdown(meeting.note),
    }
    return render(request, "conferences/meeting_invite.html", context)


def _file_name(meeting, extension):
    local = timezone.localtime(meeting.start)
    return f"{slugify(meeting.conference.slug)}-{local:%Y-%m-%d}.{extension}"


@require_http_methods(["GET", "HEAD"])
def meeting_ics(request, slug, pk):
    """The meeting for one's own calendar (METHOD:PUBLISH), with what the person may see."""
    meeting = meeting_for(request, slug, pk)
    public_only = not request.user.has_perm(VIEW_INTERNAL, meeting.conference)
    body = invitations.calendar_file(meeting, "PUBLISH", public_only=public_only)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_file_name(meeting, "ics")}"'
    response["Cache-Control"] = "private, no-cache"
    return response


def invitation_context(request, meeting, *, public_only):
    """What the invitation PDF shows: the agenda without internal items for public_only."""
    return {
        "meeting": meeting,
        "conference": meeting.conference,
        "tree": agenda.nested(agenda.numbered_items(meeting, public_only=public_only)),
        "location": invitations.location_text(meeting),
        "note_html": render_markdown(meeting.note),
        "public_only": public_only,
        "meeting_url": request.build_absolute_uri(meeting.get_absolute_url()),
    }


@require_http_methods(["GET", "HEAD"])
def invitation_pdf(request, slug, pk):
    """The invitation with the agenda as PDF (public items only for everyone else than
    the members)."""
    meeting = meeting_for(request, slug, pk)
    public_only = not request.user.has_perm(VIEW_INTERNAL, meeting.conference)
    context = invitation_context(request, meeting, public_only=public_only)
    return pdf_response(
        request, "conferences/meeting_invitation_pdf.html", context, _file_name(meeting, "pdf")
    )
