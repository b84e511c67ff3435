"""Organisers' pages: their events, the event form and preview, the state changes of an
event, and sending an event without an account (when the site settings allow it)."""

import uuid
from dataclasses import dataclass, replace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from quartiersnetz.accounts.models import NotificationKind
from quartiersnetz.accounts.notifications import subscribed_kinds
from quartiersnetz.accounts.rules import is_editor
from quartiersnetz.coordination import agreements
from quartiersnetz.coordination import domain as coordination
from quartiersnetz.coordination import engine as coordination_engine
from quartiersnetz.coordination.forms import event_form_initial
from quartiersnetz.coordination.holds import convert_hold_to_event
from quartiersnetz.coordination.models import DateHold
from quartiersnetz.core import ratelimit
from quartiersnetz.core.timeutil import localize
from quartiersnetz.events import recurrence, workflow
from quartiersnetz.events.forms import (
    CancelForm,
    CreateAnonymousEventForm,
    CreateEventForm,
    EditEventForm,
    PostponeForm,
    copy_initial,
    field_label,
    initial_from_data,
)
from quartiersnetz.events.models import LISTED_STATUSES, Event, Occurrence, Status
from quartiersnetz.events.views.public import event_page_context, whole_number
from quartiersnetz.organizations.models import Membership

CREATE_PERMISSION = "events.create_event"
MANAGE_PERMISSION = "events.manage_event"
# New events a signed-in person may save per hour, and anonymous submissions per address.
CREATE_LIMIT = 30
ANONYMOUS_LIMIT = 5
LIMIT_PERIOD = 60 * 60
# Past events listed on "My events"; older ones stay in the calendar's archive.
PAST_SHOWN = 50
# States in which the organisers themselves still change the event in the form.
EDITABLE_DRAFTS = (Status.DRAFT, Status.REJECTED)
EVENT_WITH_DETAILS = Event.objects.select_related("place", "place__district").prefetch_related(
    "organizers", "categories"
)


def _managed_event(request, pk, queryset=EVENT_WITH_DETAILS):
    """The event, if the person may manage it (403 otherwise)."""
    event = get_object_or_404(queryset, pk=pk)
    if not request.user.has_perm(MANAGE_PERMISSION, event):
        raise PermissionDenied
    return event


def _report_refusal(request, error):
    """A refused state change: a second click is told what happened, not scolded."""
    if getattr(error, "code", None) == "wrong_status":
        messages.info(request, " ".join(error.messages))
    else:
        messages.error(request, " ".join(error.messages))
    return redirect("events:mine")


def _add_workflow_error(form, error):
    """The workflow's refusal at the top of the form (its keys need not be form fields)."""
    form.add_error(None, ValidationError(error.messages))


# --- My events -----------------------------------------------------------------------


@dataclass
class Row:
    """An event as "My events" lists it."""

    event: Event
    group: str
    when: object
    is_next: bool
    rule_text: str
    actions: frozenset

    @property
    def is_cancelled(self):
        return self.event.status == Status.CANCELLED

    @property
    def is_moved(self):
        return self.event.status == Status.POSTPONED

    @property
    def day(self):
        return self.when.date() if self.when else None

    @property
    def url(self):
        if self.event.is_listed:
            return self.event.get_absolute_url()
        return reverse("events:preview", kwargs={"pk": self.event.pk})


# The sections of the page, in order: key, heading and hint.
GROUPS = (
    (
        "drafts",
        gettext_lazy("Drafts"),
        gettext_lazy(
            "Only your organisation sees them. Submit an event for review when it is ready."
        ),
    ),
    (
        "submitted",
        gettext_lazy("Waiting for review"),
        gettext_lazy("The editors look at them soon."),
    ),
    (
        "rejected",
        gettext_lazy("Rejected"),
        gettext_lazy("Change the event and submit it again, or delete it."),
    ),
    (
        "published",
        gettext_lazy("Published"),
        gettext_lazy("In the calendar now; changes are visible at once."),
    ),
    ("cancelled", gettext_lazy("Cancelled"), gettext_lazy("Shown in the calendar as cancelled.")),
    (
        "past",
        gettext_lazy("Past"),
        gettext_lazy("Events whose last date is over; the most recent first."),
    ),
)
GROUP_OF_STATUS = {
    Status.DRAFT: "drafts",
    Status.SUBMITTED: "submitted",
    Status.REJECTED: "rejected",
    Status.PUBLISHED: "published",
    Status.POSTPONED: "published",
    Status.CANCELLED: "cancelled",
}


def _actions(event, group, editor):
    """What the organiser may do with the event in its state."""
    if group == "past":
        return frozenset({"view" if event.is_listed else "preview", "duplicate"})
    actions = {"duplicate"}
    if event.status in EDITABLE_DRAFTS:
        actions |= {"edit", "preview", "submit", "delete"}
    elif event.status == Status.SUBMITTED:
        actions |= {"preview", "withdraw"} | ({"edit"} if editor else set())
    else:
        actions |= {"edit", "view" if event.is_listed else "preview"}
        if event.status != Status.CANCELLED:
            actions.add("cancel")
        if not event.is_recurring:
            actions.add("postpone")
    return frozenset(actions)


def own_events(user, now):
    """The events of every organisation the person acts for, with their next date."""
    organizations = Membership.objects.filter(user=user, state=Membership.State.ACTIVE).values(
        "organization_id"
    )
    of_own_organization = Event.organizers.through.objects.filter(
        event_id=OuterRef("pk"), organization_id__in=organizations
    )
    occurrences = Occurrence.objects.filter(event=OuterRef("pk"))
    return (
        Event.objects.filter(Exists(of_own_organization))
        .annotate(
            next_start=Subquery(
                occurrences.filter(end__gt=now, cancelled=False)
                .order_by("start", "pk")
                .values("start")[:1]
            ),
            last_end=Subquery(occurrences.order_by("-end").values("end")[:1]),
        )
        .prefetch_related("organizers")
        .order_by("start", "pk")
    )


def _rows(events, now, editor):
    groups = {key: [] for key, _title, _hint in GROUPS}
    for event in events:
        past = event.status in LISTED_STATUSES and event.last_end and event.last_end <= now
        group = "past" if past else GROUP_OF_STATUS[event.status]
        when = event.next_start or event.start
        groups[group].append(
            Row(
                event=event,
                group=group,
                when=localize(when),
                is_next=event.next_start is not None and event.is_recurring,
                rule_text=recurrence.describe_rule(event.recurrence_rule, event.start),
                actions=_actions(event, group, editor),
            )
        )
    groups["past"].sort(key=lambda row: row.event.last_end, reverse=True)
    return groups


@login_required
@require_http_methods(["GET", "HEAD"])
def mine(request):
    user = request.user
    if not user.has_perm(CREATE_PERMISSION):
        context = {"anonymous_submissions": workflow.anonymous_submissions_enabled()}
        return render(request, "events/organiser/no_organisation.html", context)
    now = timezone.now()
    groups = _rows(own_events(user, now), now, is_editor(user))
    past = groups["past"]
    sections = [
        {
            "key": key,
            "title": title,
            "hint": hint,
            "rows": groups[key][:PAST_SHOWN] if key == "past" else groups[key],
        }
        for key, title, hint in GROUPS
    ]
    context = {
        "sections": sections,
        "count": sum(len(rows) for rows in groups.values()),
        "past_hidden": max(len(past) - PAST_SHOWN, 0),
        "is_editor": is_editor(user),
        # Decisions are mailed only to people who asked; the others are told where.
        "gets_decisions_by_mail": NotificationKind.REVIEW_RESULTS in subscribed_kinds(user),
    }
    return render(request, "events/organiser/mine.html", context)


# --- The event form ------------------------------------------------------------------


def _form_page(request, form, *, status=200, event=None, source=None, **extra):
    context = {
        "form": form,
        "event": event,
        "source": source,
        # A file input cannot be filled in again: the person must choose the image anew.
        "image_lost": status >= 400 and bool(request.FILES.get("image")),
        **extra,
    }
    return render(request, "events/organiser/event_form.html", context, status=status)


def _date_conflicts(form, *, ignore_keys=()):
    """The conflicts of the form's date with other plans (date coordination), and whether
    a serious one lacks its reason; that reason is then asked for on the form."""
    if "conflict_justification" not in form.fields:
        return [], False
    event = form.instance
    organization_ids = [organization.pk for organization in form.cleaned_data["organizers"]]
    candidate = replace(
        coordination.candidate_for_event(event, ignore_keys=ignore_keys),
        organization_ids=frozenset(organization_ids),
    )
    found = coordination.check(candidate)
    others = agreements.with_others(found, organization_ids)
    if coordination_engine.is_serious(others, coordination.rules()) and not (
        form.cleaned_data.get("conflict_justification", "").strip()
    ):
        form.add_error(
            "conflict_justification",
            _(
                "This date clashes seriously with other plans (listed above). Give a short "
                "reason why you keep it, or choose another date."
            ),
        )
        return found, True
    return found, False


def _conflict_context(found):
    return {
        "conflict_check": {
            "checked": True,
            "conflicts": found,
            "serious": coordination_engine.is_serious(found, coordination.rules()),
        }
    }


def _save_new_event(form, create):
    """Save the form's event (and its new place) with create(event) -> (event, created)."""
    with transaction.atomic():
        event = form.save(commit=False)
        form.save_new_place()
        event, created = create(event)
        if not created:
            # The form had been sent before: its place was saved with the first event.
            transaction.set_rollback(True)
    return event, created


def _submitted_message(event):
    if event.status == Status.PUBLISHED:
        return _(
            "“%(title)s” has been published: events of trusted organisations appear in the "
            "calendar at once."
        ) % {"title": event.title}
    return _(
        "“%(title)s” has been submitted for review. You will find the editors' answer here."
    ) % {"title": event.title}


def _submit_saved(request, event):
    """Submit an event that the form has just saved."""
    try:
        event = workflow.submit_event(event, request.user)
    except ValidationError as error:
        messages.warning(
            request,
            _("The event has been saved but not submitted: %(reason)s")
            % {"reason": " ".join(error.messages)},
        )
        return redirect("events:edit", pk=event.pk)
    messages.success(request, _submitted_message(event))
    return redirect("events:mine")


def _new_event_page(request, source=None, hold=None):
    user = request.user
    if request.method != "POST":
        if hold is not None:
            initial = event_form_initial(hold)
        else:
            initial = copy_initial(source) if source else {"form_key": uuid.uuid4()}
        form = CreateEventForm(user=user, source=source, initial=initial)
        return _form_page(request, form, source=source)
    submitting = "submit" in request.POST
    form = CreateEventForm(
        request.POST, request.FILES, user=user, source=source, submitting=submitting
    )
    if not form.is_valid():
        return _form_page(request, form, status=400, source=source)
    found, refused = _date_conflicts(form, ignore_keys=[f"hold:{hold.pk}"] if hold else [])
    if refused:
        return _form_page(request, form, status=400, source=source, **_conflict_context(found))
    if not ratelimit.allow("event-create", user.pk, CREATE_LIMIT, LIMIT_PERIOD):
        return _form_page(request, form, status=429, source=source, rate_limited=True)
    try:
        event, created = _save_new_event(
            form,
            lambda event: _linked_to_hold(
                workflow.create_event(
                    event,
                    actor=user,
                    save_related=form.save_m2m,
                    form_key=form.cleaned_data["form_key"],
                ),
                hold,
                user,
            ),
        )
    except ValidationError as error:
        _add_workflow_error(form, error)
        return _form_page(request, form, status=400, source=source)
    if not created:
        messages.info(
            request, _("This form had already been sent: the event has been saved only once.")
        )
        return redirect("events:mine")
    agreements.record_conflicts(event, found, user)
    if submitting:
        return _submit_saved(request, event)
    messages.success(
        request,
        _("“%(title)s” has been saved as a draft. Submit it for review when it is ready.")
        % {"title": event.title},
    )
    return redirect("events:mine")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def create(request):
    if not request.user.has_perm(CREATE_PERMISSION):
        raise PermissionDenied
    if "hold" in request.GET:
        return _event_from_hold(request)
    return _new_event_page(request)


# --- An event from a date hold (coordination) ----------------------------------------
# events:create?hold=<pk> fills the form from the hold; saving links the hold to the
# new event in the same transaction (coordination.holds.convert_hold_to_event).


def _event_from_hold(request):
    pk = whole_number(request.GET.get("hold", ""), max_digits=18)
    hold = get_object_or_404(DateHold.objects.select_related("organization"), pk=pk or 0)
    if not request.user.has_perm("coordination.manage_hold", hold):
        raise PermissionDenied
    if request.method != "POST":
        if hold.event_id is not None:
            messages.info(request, _("This date hold has already become an event."))
            return redirect(hold)
        messages.info(
            request,
            _(
                "The form is filled in from your date hold “%(title)s”, its days as all-day "
                "dates: add the times if you know them. When you save, the hold becomes "
                "this event."
            )
            % {"title": hold.title},
        )
    return _new_event_page(request, hold=hold)


def _linked_to_hold(result, hold, actor):
    """create_event's (event, created), with the hold linked to a newly created event."""
    event, created = result
    if created and hold is not None:
        convert_hold_to_event(hold, event, actor=actor)
    return event, created


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def duplicate(request, pk):
    """A new event prefilled from another one (without its image)."""
    if not request.user.has_perm(CREATE_PERMISSION):
        raise PermissionDenied
    return _new_event_page(request, source=_managed_event(request, pk))


def _display(current, name, value):
    """A stored value of the activity-log snapshot as the person reads it."""
    if value in ("", None):
        return "—"
    field = Event._meta.get_field(name)
    if field.choices:
        return dict(field.choices).get(value, value)
    if name == "recurrence_rule":
        return recurrence.describe_rule(value, current.start)
    if value in ("True", "False"):
        return _("yes") if value == "True" else _("no")
    return Truncator(value).chars(200)


def _conflict_page(request, form, error):
    """Someone saved the event after the person opened the form: keep their input, show
    what the stored version says, and let them save again over it."""
    current = get_object_or_404(EVENT_WITH_DETAILS, pk=form.instance.pk)
    stored = workflow.snapshot(current)
    typed = workflow.snapshot(form.instance)
    for name in workflow.MANY_TO_MANY:
        typed[name] = ", ".join(sorted(str(item) for item in form.cleaned_data.get(name, [])))
    differences = [
        (field_label(name), _display(current, name, stored[name]))
        for name in workflow.LOGGED_FIELDS
        if stored[name] != typed[name] and name != "image"
    ]
    # The input again, now against the current version (the form writes into its own copy).
    data = request.POST.copy()
    data["sequence"] = str(current.sequence)
    fresh = EditEventForm(
        data, instance=get_object_or_404(EVENT_WITH_DETAILS, pk=current.pk), user=request.user
    )
    fresh.is_valid()
    return _form_page(
        request,
        fresh,
        status=409,
        event=current,
        conflict={"message": " ".join(error.messages), "differences": differences},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def edit(request, pk):
    event = _managed_event(request, pk)
    user = request.user
    if event.status == Status.SUBMITTED and not is_editor(user):
        messages.info(
            request,
            _("“%(title)s” is waiting for review. Withdraw it first if you want to change it.")
            % {"title": event.title},
        )
        return redirect("events:mine")
    if request.method != "POST":
        return _form_page(request, EditEventForm(instance=event, user=user), event=event)
    submitting = "submit" in request.POST and event.status in EDITABLE_DRAFTS
    old_image = event.image.name
    form = EditEventForm(
        request.POST, request.FILES, instance=event, user=user, submitting=submitting
    )
    # The form writes the input into its instance; the page shows the stored event.
    stored = get_object_or_404(EVENT_WITH_DETAILS, pk=pk)
    if not form.is_valid():
        return _form_page(request, form, status=400, event=stored)
    found, refused = _date_conflicts(form)
    if refused:
        return _form_page(request, form, status=400, event=stored, **_conflict_context(found))
    try:
        with transaction.atomic():
            form.save(commit=False)
            form.save_new_place()
            changes = workflow.update_event(
                form.instance,
                actor=user,
                expected_sequence=form.cleaned_data["sequence"],
                save_related=form.save_m2m,
            )
    except ValidationError as error:
        code = getattr(error, "code", None)
        if code == "edited_meanwhile":
            return _conflict_page(request, form, error)
        if code == "gone":
            messages.error(request, " ".join(error.messages))
            return redirect("events:mine")
        _add_workflow_error(form, error)
        return _form_page(request, form, status=400, event=stored)
    event = form.instance
    if changes.keys() & {"start", "end", "place", "recurrence_rule"}:
        agreements.record_conflicts(event, found, user)
    if old_image and old_image != event.image.name:
        # A replaced or removed image is gone for good (it may show a person).
        event.image.storage.delete(old_image)
    if submitting:
        return _submit_saved(request, event)
    if not changes:
        messages.info(request, _("Nothing has changed."))
    elif event.is_listed:
        messages.success(
            request,
            _(
                "The changes to “%(title)s” have been saved. Changes are visible at once; "
                "editors see what you changed."
            )
            % {"title": event.title},
        )
    else:
        messages.success(
            request, _("The changes to “%(title)s” have been saved.") % {"title": event.title}
        )
    return redirect("events:mine")


# --- Preview -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD"])
def preview(request, pk):
    """The event as its public page will show it, with the organiser's actions."""
    event = _managed_event(request, pk)
    context = event_page_context(request, event)
    context.update(
        {
            "rule_text": recurrence.describe_rule(event.recurrence_rule, event.start),
            # For the public page's template: links that only work for published events.
            "is_preview": True,
            "actions": _actions(event, GROUP_OF_STATUS[event.status], is_editor(request.user)),
        }
    )
    response = render(request, "events/organiser/preview.html", context)
    response["X-Robots-Tag"] = "noindex"
    return response


# --- State changes -------------------------------------------------------------------


@login_required
@require_http_methods(["POST"])
def submit(request, pk):
    event = _managed_event(request, pk)
    try:
        event = workflow.submit_event(event, request.user)
    except ValidationError as error:
        return _report_refusal(request, error)
    messages.success(request, _submitted_message(event))
    return redirect("events:mine")


@login_required
@require_http_methods(["POST"])
def withdraw(request, pk):
    event = _managed_event(request, pk)
    try:
        event = workflow.withdraw_event(event, request.user)
    except ValidationError as error:
        return _report_refusal(request, error)
    messages.success(
        request,
        _("“%(title)s” is a draft again: change it and submit it when it is ready.")
        % {"title": event.title},
    )
    return redirect("events:mine")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def cancel(request, pk):
    event = _managed_event(request, pk)
    if event.status == Status.CANCELLED:
        messages.info(
            request, _("“%(title)s” has already been cancelled.") % {"title": event.title}
        )
        return redirect("events:mine")
    form = CancelForm(request.POST if request.method == "POST" else None)
    if not form.is_bound or not form.is_valid():
        status = 400 if form.is_bound else 200
        return render(
            request, "events/organiser/cancel.html", {"event": event, "form": form}, status=status
        )
    try:
        event = workflow.cancel_event(event, request.user, form.cleaned_data["message"])
    except ValidationError as error:
        return _report_refusal(request, error)
    messages.success(
        request,
        _("“%(title)s” has been cancelled. The calendar shows it as cancelled.")
        % {"title": event.title},
    )
    return redirect("events:mine")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def postpone(request, pk):
    """Move a published single event to a new date."""
    event = _managed_event(request, pk)
    form = PostponeForm(request.POST if request.method == "POST" else None, event=event)
    context = {"event": event, "form": form}
    if not form.is_bound or not form.is_valid():
        status = 400 if form.is_bound else 200
        return render(request, "events/organiser/postpone.html", context, status=status)
    try:
        event = workflow.postpone_event(
            event, request.user, form.cleaned_data["start"], form.cleaned_data["end"]
        )
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            return _report_refusal(request, error)
        for field, messages_ in error.message_dict.items():
            form.add_error("end_date" if field == "end" else None, messages_)
        return render(request, "events/organiser/postpone.html", context, status=400)
    messages.success(
        request,
        _("“%(title)s” has been moved. The calendar shows the new date and the old one.")
        % {"title": event.title},
    )
    return redirect("events:mine")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def delete(request, pk):
    if request.method == "POST" and not Event.objects.filter(pk=pk).exists():
        # The second click of a double click.
        messages.info(request, _("The event has already been deleted."))
        return redirect("events:mine")
    event = _managed_event(request, pk)
    if request.method != "POST":
        return render(request, "events/organiser/delete.html", {"event": event})
    try:
        workflow.delete_draft(event, request.user)
    except ValidationError as error:
        return _report_refusal(request, error)
    if event.image:
        event.image.storage.delete(event.image.name)
    messages.success(request, _("“%(title)s” has been deleted.") % {"title": event.title})
    return redirect("events:mine")


# --- Without an account --------------------------------------------------------------


def _anonymous_page(request, form, status=200, **extra):
    return _form_page(request, form, status=status, anonymous=True, **extra)


@require_http_methods(["GET", "HEAD", "POST"])
def submit_anonymously(request):
    """Anyone sends an event with name and email address; it is reviewed after they
    confirm the address."""
    if not workflow.anonymous_submissions_enabled():
        raise Http404
    if request.user.has_perm(CREATE_PERMISSION):
        return redirect("events:create")
    if request.method != "POST":
        return _anonymous_page(
            request, CreateAnonymousEventForm(initial={"form_key": uuid.uuid4()})
        )
    if not ratelimit.allow(
        "event-submission", ratelimit.client_address(request), ANONYMOUS_LIMIT, LIMIT_PERIOD
    ):
        # The text stays in the form so that the person can keep it for later.
        kept = CreateAnonymousEventForm(
            initial=initial_from_data(CreateAnonymousEventForm, request.POST)
        )
        return _anonymous_page(request, kept, status=429, rate_limited=True)
    if request.POST.get("homepage"):
        # A bot filled the hidden trap: it is told what a person would be told.
        return render(
            request,
            "events/organiser/submission_sent.html",
            {
                "email": request.POST.get("submitter_email", ""),
                "days": workflow.CONFIRMATION_MAX_AGE.days,
            },
        )
    form = CreateAnonymousEventForm(request.POST, request.FILES)
    if not form.is_valid():
        return _anonymous_page(request, form, status=400)
    data = form.cleaned_data
    if not Event.objects.filter(form_key=data["form_key"]).exists():
        try:
            _save_new_event(
                form,
                lambda event: (
                    workflow.create_anonymous_submission(
                        event,
                        name=data["submitter_name"],
                        email=data["submitter_email"],
                        wants_decision=data["wants_decision"],
                        save_related=form.save_m2m,
                        form_key=data["form_key"],
                    ),
                    True,
                ),
            )
        except ValidationError as error:
            _add_workflow_error(form, error)
            return _anonymous_page(request, form, status=400)
    return render(
        request,
        "events/organiser/submission_sent.html",
        {"email": data["submitter_email"], "days": workflow.CONFIRMATION_MAX_AGE.days},
    )


def _link_refusal(token, salt, max_age=None):
    """Why a link from a mail cannot work (forged, cut off, expired), or "" if it can.

    Checked when the page opens, so that nobody presses a button in vain; the workflow
    checks again when the button is pressed.
    """
    try:
        signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired:
        return _(
            "This confirmation link has expired. Please send the event again; "
            "links are valid for %(days)s days."
        ) % {"days": workflow.CONFIRMATION_MAX_AGE.days}
    except signing.BadSignature:
        return (
            _("This confirmation link is not valid.") if max_age else _("This link is not valid.")
        )
    return ""


def _token_page(request, template, context, status=200):
    response = render(request, template, context, status=status)
    response["X-Robots-Tag"] = "noindex"
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def confirm_submission(request, token):
    """The link in the confirmation mail. Only the button (a POST) confirms: mail
    scanners open links, they do not press buttons."""
    template = "events/organiser/confirm_submission.html"
    if request.method != "POST":
        refusal = _link_refusal(
            token, workflow.CONFIRMATION_SALT, workflow.CONFIRMATION_MAX_AGE.total_seconds()
        )
        context = {"token": token, "refusal": refusal}
        return _token_page(request, template, context, status=400 if refusal else 200)
    try:
        event = workflow.confirm_anonymous_submission(token)
    except ValidationError as error:
        already = getattr(error, "code", None) == "already_confirmed"
        context = {"token": token, "done": already, "refusal": " ".join(error.messages)}
        return _token_page(request, template, context, status=200 if already else 400)
    return _token_page(request, template, {"token": token, "done": True, "event": event})


@require_http_methods(["GET", "HEAD", "POST"])
def stop_submitter_mails(request, token):
    """The unsubscribe link in mails to an anonymous submitter."""
    template = "events/organiser/stop_mails.html"
    if request.method != "POST":
        refusal = _link_refusal(token, workflow.STOP_MAILS_SALT)
        context = {"token": token, "refusal": refusal}
        return _token_page(request, template, context, status=400 if refusal else 200)
    try:
        workflow.stop_submitter_mails(token)
    except ValidationError as error:
        context = {"token": token, "refusal": " ".join(error.messages)}
        return _token_page(request, template, context, status=400)
    return _token_page(request, template, {"token": token, "done": True})
