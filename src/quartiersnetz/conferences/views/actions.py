"""Action items: a conference's list (with a form for new ones), the overview across
every conference the person may see, and an item's page (edit, status)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_http_methods

from quartiersnetz.conferences.domain import actions as domain
from quartiersnetz.conferences.forms_minutes import ActionItemForm, StatusFilterForm, StatusForm
from quartiersnetz.conferences.models import ActionItem, Meeting
from quartiersnetz.conferences.rules import current_memberships
from quartiersnetz.conferences.views.common import (
    MANAGE,
    VIEW,
    VIEW_INTERNAL,
    can,
    conference_for,
)
from quartiersnetz.core.activity import history
from quartiersnetz.core.timeutil import local_today

# Done and dropped items listed on a conference's page (latest first); the rest only count.
CLOSED_SHOWN = 100

# The sections of the lists: key, heading and hint.
SECTIONS = {
    "overdue": (
        pgettext_lazy("action items", "Overdue"),
        gettext_lazy("Due before today and not done yet."),
    ),
    "open": (
        pgettext_lazy("action items", "Open"),
        gettext_lazy("Open or in progress, due today or later (or without a due date)."),
    ),
    "done": (pgettext_lazy("action items", "Done"), gettext_lazy("Latest first.")),
    "dropped": (
        pgettext_lazy("action items", "Dropped"),
        gettext_lazy("No longer needed."),
    ),
}

# The status buttons an item shows in each status: (status, label).
STATUS_BUTTONS = {
    ActionItem.Status.OPEN: (
        ("in_progress", gettext_lazy("Mark as in progress")),
        ("done", gettext_lazy("Mark as done")),
        ("dropped", gettext_lazy("Drop")),
    ),
    ActionItem.Status.IN_PROGRESS: (
        ("done", gettext_lazy("Mark as done")),
        ("open", gettext_lazy("Back to open")),
        ("dropped", gettext_lazy("Drop")),
    ),
    ActionItem.Status.DONE: (("open", gettext_lazy("Reopen")),),
    ActionItem.Status.DROPPED: (("open", gettext_lazy("Reopen")),),
}


class Row:
    """An item as the lists show it, with what the person may do with it."""

    def __init__(self, item, today, may_change_status):
        self.item = item
        self.overdue = domain.is_overdue(item, today)
        self.buttons = STATUS_BUTTONS[item.status] if may_change_status else ()


def _sections(items, today, may_change_status, keys):
    grouped = domain.sections(items, today, keys)
    return [
        {
            "key": key,
            "title": SECTIONS[key][0],
            "hint": SECTIONS[key][1],
            "rows": [Row(item, today, may_change_status(item)) for item in rows[:CLOSED_SHOWN]],
            "hidden": max(len(rows) - CLOSED_SHOWN, 0),
        }
        for key, rows in grouped.items()
    ]


def _own_membership_ids(user):
    return set(current_memberships(user).values_list("pk", flat=True))


def _list_page(request, conference, form, *, status=200):
    user = request.user
    today = local_today()
    manage = user.has_perm(MANAGE, conference)
    own = _own_membership_ids(user)
    filter_form = StatusFilterForm(request.GET or None)
    chosen = filter_form.cleaned_data["status"] if filter_form.is_valid() else ""
    items = domain.with_details(conference.action_items.all()).order_by(*domain.by_due_date())
    if chosen:
        items = items.filter(status=chosen)
    keys = ("overdue", "open", "done", "dropped")
    if chosen in ("open", "in_progress"):
        keys = ("overdue", "open")
    elif chosen:
        keys = (chosen,)
    context = {
        "conference": conference,
        "can": can(request, conference),
        "filter_form": filter_form,
        "status": chosen,
        "sections": _sections(items, today, lambda item: manage or item.assignee_id in own, keys),
        "form": form,
    }
    return render(request, "conferences/action_list.html", context, status=status)


def _initial_from_query(request, conference):
    initial = {}
    meeting = request.GET.get("meeting", "")
    if meeting.isdigit():
        found = Meeting.objects.filter(pk=int(meeting), conference=conference).first()
        if found is not None:
            initial["meeting"] = found.pk
    return initial


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def conference_actions(request, slug):
    conference = conference_for(request, slug, VIEW_INTERNAL)
    manage = request.user.has_perm(MANAGE, conference)
    if request.method != "POST":
        form = (
            ActionItemForm(conference=conference, initial=_initial_from_query(request, conference))
            if manage
            else None
        )
        return _list_page(request, conference, form)
    if not manage:
        raise PermissionDenied
    form = ActionItemForm(request.POST, conference=conference)
    if not form.is_valid():
        return _list_page(request, conference, form, status=400)
    try:
        item = domain.create_action_item(form.save(commit=False), actor=request.user)
    except ValidationError as error:
        form.add_error(None, ValidationError(error.messages))
        return _list_page(request, conference, form, status=400)
    messages.success(
        request, _("The action item “%(title)s” has been saved.") % {"title": item.title}
    )
    return redirect("conferences:actions", slug=conference.slug)


@login_required
@require_http_methods(["GET", "HEAD"])
def all_actions(request):
    user = request.user
    today = local_today()
    conferences = list(domain.visible_conferences(user).order_by("-kind", "name"))
    items = domain.with_details(
        ActionItem.objects.filter(
            conference__in=conferences, status__in=domain.OPEN_STATUSES
        ).order_by(*domain.by_due_date("conference__name"))
    )
    own = _own_membership_ids(user)
    context = {
        "conferences": conferences,
        "coordinator": domain.is_coordinator(user),
        "sections": _sections(
            items, today, lambda item: item.assignee_id in own, ("overdue", "open")
        ),
    }
    return render(request, "conferences/actions_all.html", context)


def _safe_next(request, fallback):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


ACTIONS_LOG = {
    domain.Action.CREATED: gettext_lazy("created the action item"),
    domain.Action.EDITED: gettext_lazy("changed the action item"),
    domain.Action.STATUS_CHANGED: gettext_lazy("changed the status"),
    domain.Action.REMINDED: gettext_lazy("reminder sent"),
}


def _edit_page(request, item, form, *, status=200, manage, assignee):
    context = {
        "item": item,
        "conference": item.conference,
        "form": form,
        "manage": manage,
        "overdue": domain.is_overdue(item, local_today()),
        "buttons": STATUS_BUTTONS[item.status] if (manage or assignee) else (),
        "log": [
            {"entry": entry, "action": ACTIONS_LOG.get(entry.action, entry.action)}
            for entry in history(item)[:20]
        ]
        if manage
        else None,
    }
    return render(request, "conferences/action_edit.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def action_edit(request, pk):
    user = request.user
    item = get_object_or_404(domain.with_details(ActionItem.objects.all()), pk=pk)
    conference = item.conference
    if not (user.has_perm(VIEW, conference) and user.has_perm(VIEW_INTERNAL, conference)):
        # Another conference's internal business: the address tells nothing.
        raise Http404
    manage = user.has_perm(MANAGE, conference)
    assignee = domain.is_assignee(user, item)
    if not (manage or assignee):
        raise PermissionDenied
    fallback = request.path
    if request.method != "POST":
        form = ActionItemForm(instance=item, conference=conference) if manage else None
        return _edit_page(request, item, form, manage=manage, assignee=assignee)
    if "status" in request.POST:
        status_form = StatusForm(request.POST)
        if not status_form.is_valid():
            messages.error(request, _("Unknown status."))
            return redirect(_safe_next(request, fallback))
        try:
            changed = domain.set_status(item, status_form.cleaned_data["status"], actor=user)
        except ValidationError as error:
            messages.info(request, " ".join(error.messages))
            return redirect(_safe_next(request, fallback))
        messages.success(
            request,
            _("“%(title)s” is now: %(status)s.")
            % {"title": changed.title, "status": changed.get_status_display()},
        )
        return redirect(_safe_next(request, fallback))
    if not manage:
        raise PermissionDenied
    form = ActionItemForm(request.POST, instance=item, conference=conference)
    # The form writes the input into its instance; the page shows the stored item.
    stored = get_object_or_404(domain.with_details(ActionItem.objects.all()), pk=pk)
    if not form.is_valid():
        return _edit_page(request, stored, form, status=400, manage=manage, assignee=assignee)
    try:
        changes = domain.update_action_item(form.save(commit=False), actor=user)
    except ValidationError as error:
        if getattr(error, "code", None) == "gone":
            messages.error(request, " ".join(error.messages))
            return redirect("conferences:actions", slug=conference.slug)
        form.add_error(None, ValidationError(error.messages))
        return _edit_page(request, stored, form, status=400, manage=manage, assignee=assignee)
    if changes:
        messages.success(
            request,
            _("The changes to “%(title)s” have been saved.") % {"title": form.instance.title},
        )
    else:
        messages.info(request, _("Nothing has changed."))
    return redirect("conferences:actions", slug=conference.slug)
