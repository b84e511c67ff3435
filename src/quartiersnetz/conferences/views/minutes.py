"""The minutes of a meeting: reading them (members in full, the public the public items
once published), writing them, the members' comments, the workflow and the PDF."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from quartiersnetz.conferences.domain import agenda as agenda_domain
from quartiersnetz.conferences.domain import minutes as domain
from quartiersnetz.conferences.domain.actions import by_due_date
from quartiersnetz.conferences.forms_minutes import CommentForm, MinutesForm
from quartiersnetz.conferences.models import Meeting, Minutes
from quartiersnetz.conferences.pdf import pdf_response
from quartiersnetz.conferences.views.common import MANAGE, VIEW_INTERNAL, meeting_for
from quartiersnetz.core import ratelimit
from quartiersnetz.core.text import render_markdown
from quartiersnetz.core.timeutil import localize

# Comments a member may write per hour (a stuck key or a script, not a discussion).
COMMENT_LIMIT = 30
LIMIT_PERIOD = 60 * 60

MEETING_WITH_DETAILS = Meeting.objects.select_related(
    "conference", "place", "place__district", "event"
)

# What a manager can do with the minutes in each state (TRANSITIONS' keys).
STATE_ACTIONS = {
    Minutes.State.DRAFT: ("send",),
    Minutes.State.IN_REVIEW: ("approve", "back-to-draft"),
    Minutes.State.APPROVED: ("publish",),
    Minutes.State.PUBLISHED: ("unpublish",),
}


def _action_labels():
    return {
        "send": _("Send to the members for comments"),
        "approve": _("Approve the minutes"),
        "back-to-draft": _("Back to the draft"),
        "publish": _("Publish the public part"),
        "unpublish": _("Take off the public page"),
    }


def _done_messages():
    return {
        "send": _("The minutes have been sent to the members for their comments."),
        "approve": _("The minutes are approved. Publish them to show the public part."),
        "back-to-draft": _("The minutes are a draft again; the members no longer see them."),
        "publish": _(
            "The minutes are published: the public sees the public items and the general notes."
        ),
        "unpublish": _("The minutes are no longer on the public page; they stay approved."),
    }


class Reader:
    """Who reads the minutes and how much they see."""

    def __init__(self, request, meeting, membership):
        user = request.user
        conference = meeting.conference
        self.membership = membership
        # The personal link acts as that member for the minutes, nothing else.
        self.manage = membership is None and user.has_perm(MANAGE, conference)
        self.internal = membership is not None or user.has_perm(VIEW_INTERNAL, conference)

    @property
    def token(self):
        return self.membership.token if self.membership is not None else ""


def _meeting_and_reader(request, slug, pk):
    """The meeting of the address and its reader; a valid personal link of a current
    member lets a person without an account read like that member."""
    token = (request.POST.get("token") or request.GET.get("token") or "")[:64]
    if token:
        meeting = get_object_or_404(MEETING_WITH_DETAILS, pk=pk, conference__slug=slug)
        membership = domain.membership_for_token(meeting, token)
        if membership is not None:
            return meeting, Reader(request, meeting, membership)
    meeting = meeting_for(request, slug, pk)
    return meeting, Reader(request, meeting, None)


def _visible_minutes(meeting, reader):
    """(minutes or None, full: bool) the reader may see; 404 when there is nothing."""
    minutes = domain.minutes_of(meeting)
    if reader.manage:
        if minutes is None and not domain.may_have_minutes(meeting):
            raise Http404
        return minutes, True
    if reader.internal and domain.visible_to_members(minutes):
        return minutes, True
    if minutes is not None and minutes.state == Minutes.State.PUBLISHED:
        return minutes, False
    raise Http404


def _minutes_url(meeting, reader=None, anchor=""):
    url = reverse("conferences:minutes", kwargs={"slug": meeting.conference.slug, "pk": meeting.pk})
    if reader is not None and reader.token:
        url = f"{url}?token={reader.token}"
    return url + anchor


def _detail_context(request, meeting, reader, comment_form=None):
    minutes, full = _visible_minutes(meeting, reader)
    commenting = full and minutes is not None and minutes.state == Minutes.State.IN_REVIEW
    if commenting and comment_form is None:
        comment_form = CommentForm(initial={"token": reader.token})
    labels = _action_labels()
    state_actions = []
    if reader.manage and minutes is not None:
        state_actions = [
            {"action": action, "label": labels[action]} for action in STATE_ACTIONS[minutes.state]
        ]
    return {
        "meeting": meeting,
        "conference": meeting.conference,
        "minutes": minutes,
        "notes_html": render_markdown(minutes.notes) if minutes is not None else "",
        "full": full,
        "reader": reader,
        "can": {"view_internal": reader.internal, "manage": reader.manage},
        "sections": domain.minutes_sections(meeting, public_only=not full),
        "comments": (
            list(minutes.comments.select_related("membership__on_behalf_of"))
            if full and minutes is not None
            else []
        ),
        "comment_form": comment_form if commenting else None,
        "state_actions": state_actions,
        "can_edit": reader.manage
        and domain.may_have_minutes(meeting)
        and (minutes is None or not domain.is_final(minutes)),
        "approved_by": minutes.approved_by if full and minutes is not None else None,
        "token": reader.token,
    }


@require_http_methods(["GET", "HEAD"])
def minutes_detail(request, slug, pk):
    meeting, reader = _meeting_and_reader(request, slug, pk)
    return render(
        request, "conferences/minutes_detail.html", _detail_context(request, meeting, reader)
    )


@require_http_methods(["GET", "HEAD"])
def minutes_pdf(request, slug, pk):
    meeting, reader = _meeting_and_reader(request, slug, pk)
    context = _detail_context(request, meeting, reader)
    if context["minutes"] is None:
        raise Http404
    day = localize(meeting.start).date().isoformat()
    return pdf_response(
        request,
        "conferences/minutes_pdf.html",
        context,
        f"protokoll-{meeting.conference.slug}-{day}.pdf",
    )


@require_http_methods(["POST"])
def minutes_comment(request, slug, pk):
    meeting, reader = _meeting_and_reader(request, slug, pk)
    if not reader.internal:
        if not request.user.is_authenticated:
            return redirect_to_login(_minutes_url(meeting))
        raise PermissionDenied
    minutes, _full = _visible_minutes(meeting, reader)
    form = CommentForm(request.POST)
    if minutes is None or minutes.state != Minutes.State.IN_REVIEW:
        messages.info(
            request,
            _("Comments are possible only while the minutes are sent to the members."),
        )
        return redirect(_minutes_url(meeting, reader))
    if not form.is_valid():
        context = _detail_context(request, meeting, reader, comment_form=form)
        return render(request, "conferences/minutes_detail.html", context, status=400)
    writer = reader.membership.pk if reader.membership else f"user-{request.user.pk}"
    if not ratelimit.allow("minutes-comment", writer, COMMENT_LIMIT, LIMIT_PERIOD):
        form.add_error(
            None,
            _("You have written many comments within the last hour. Please try again later."),
        )
        context = _detail_context(request, meeting, reader, comment_form=form)
        return render(request, "conferences/minutes_detail.html", context, status=429)
    try:
        domain.add_comment(
            minutes,
            form.cleaned_data["text"],
            user=request.user if reader.membership is None else None,
            membership=reader.membership,
        )
    except ValidationError as error:
        if getattr(error, "code", None) in ("wrong_state", "gone"):
            messages.info(request, " ".join(error.messages))
            return redirect(_minutes_url(meeting, reader))
        form.add_error(None, ValidationError(error.messages))
        context = _detail_context(request, meeting, reader, comment_form=form)
        return render(request, "conferences/minutes_detail.html", context, status=400)
    messages.success(request, _("Thank you: your comment has been saved."))
    return redirect(_minutes_url(meeting, reader, "#comments"))


def _edit_page(request, meeting, minutes, form, *, status=200, conflict=None):
    existing = _action_items_by_agenda_item(meeting)
    rows = form.rows()
    for row in rows:
        row["existing"] = existing.get(row["item"].pk, [])
    context = {
        "meeting": meeting,
        "conference": meeting.conference,
        "minutes": minutes,
        "form": form,
        "rows": rows,
        "conflict": conflict,
    }
    return render(request, "conferences/minutes_edit.html", context, status=status)


def _action_items_by_agenda_item(meeting):
    grouped = {}
    items = meeting.action_items.select_related("assignee__on_behalf_of", "organization")
    for item in items.order_by(*by_due_date()):
        grouped.setdefault(item.agenda_item_id, []).append(item)
    return grouped


def _conflict_page(request, meeting, error):
    """Someone saved the minutes after the person opened the form: keep their input,
    show what is stored now, and let them save again over it."""
    stored = domain.minutes_of(Meeting.objects.get(pk=meeting.pk)) or Minutes(meeting=meeting)
    agenda = agenda_domain.numbered_items(meeting)
    data = request.POST.copy()
    data["version"] = str(stored.version)
    form = MinutesForm(data, minutes=stored, agenda=agenda, conference=meeting.conference)
    form.is_valid()
    differences = []
    if (form.cleaned_data.get("notes") or "").strip() != stored.notes:
        differences.append({"label": _("General notes"), "stored": stored.notes})
    for entry in agenda:
        number, item = entry.number, entry.item
        typed = form.cleaned_data.get(f"item-{item.pk}-minutes", "").strip()
        if typed != item.minutes:
            differences.append(
                {
                    "label": _("Minutes of item %(number)s") % {"number": number},
                    "stored": item.minutes,
                }
            )
        typed = form.cleaned_data.get(f"item-{item.pk}-decision", "").strip()
        if typed != item.decision:
            differences.append(
                {
                    "label": _("Decision on item %(number)s") % {"number": number},
                    "stored": item.decision,
                }
            )
    conflict = {"message": " ".join(error.messages), "differences": differences}
    return _edit_page(request, meeting, stored, form, status=409, conflict=conflict)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def minutes_edit(request, slug, pk):
    meeting = meeting_for(request, slug, pk, MANAGE)
    if not domain.may_have_minutes(meeting):
        if meeting.state == Meeting.State.CANCELLED:
            messages.info(request, _("This meeting was cancelled: it has no minutes."))
        else:
            messages.info(request, _("Minutes can be written once the meeting has been held."))
        return redirect(meeting)
    minutes = domain.minutes_of(meeting) or Minutes(meeting=meeting)
    if domain.is_final(minutes):
        messages.info(request, _("Approved minutes cannot be changed any more."))
        return redirect(_minutes_url(meeting))
    agenda = agenda_domain.numbered_items(meeting)
    if request.method != "POST":
        form = MinutesForm(minutes=minutes, agenda=agenda, conference=meeting.conference)
        return _edit_page(request, meeting, minutes, form)
    form = MinutesForm(request.POST, minutes=minutes, agenda=agenda, conference=meeting.conference)
    if not form.is_valid():
        return _edit_page(request, meeting, minutes, form, status=400)
    try:
        _saved, changes = domain.save_minutes(
            minutes,
            form.cleaned_data["notes"],
            form.item_texts(),
            form.cleaned_data["version"],
            request.user,
            new_action_items=form.new_action_items(),
        )
    except ValidationError as error:
        code = getattr(error, "code", None)
        if code == "edited_meanwhile":
            return _conflict_page(request, meeting, error)
        if code in ("final", "not_held", "meeting_cancelled"):
            messages.info(request, " ".join(error.messages))
            return redirect(_minutes_url(meeting))
        form.add_error(None, ValidationError(error.messages))
        return _edit_page(request, meeting, minutes, form, status=400)
    new_items = len(form.new_action_items())
    if changes or minutes.pk is None or new_items:
        messages.success(request, _("The minutes have been saved."))
    else:
        messages.info(request, _("Nothing has changed."))
    if new_items:
        messages.success(
            request,
            _("%(count)d new action item(s) have been saved.") % {"count": new_items},
        )
    if "save_and_continue" in request.POST:
        return redirect("conferences:minutes-edit", slug=slug, pk=pk)
    return redirect(_minutes_url(meeting))


@login_required
@require_http_methods(["POST"])
def minutes_transition(request, slug, pk, action):
    if action not in domain.TRANSITIONS:
        raise Http404
    meeting = meeting_for(request, slug, pk, MANAGE)
    minutes = domain.minutes_of(meeting)
    if minutes is None:
        messages.info(request, _("There are no minutes yet: write them first."))
        if domain.may_have_minutes(meeting):
            return redirect("conferences:minutes-edit", slug=slug, pk=pk)
        return redirect(meeting)
    try:
        domain.transition(minutes, action, request.user)
    except ValidationError as error:
        messages.info(request, " ".join(error.messages))
        return redirect(_minutes_url(meeting))
    messages.success(request, _done_messages()[action])
    return redirect(_minutes_url(meeting))
