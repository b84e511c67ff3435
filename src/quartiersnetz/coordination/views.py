"""Date holds: the organisers' list, form and page of a hold, the public "save the date"
pages, and the administrators' settings of the conflict engine."""

import datetime as dt
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_http_methods

from quartiersnetz.accounts.rules import is_editor
from quartiersnetz.coordination import agreements, domain, engine, holds
from quartiersnetz.coordination.forms import HoldForm, SettingsForm
from quartiersnetz.coordination.models import CoordinationSettings, DateHold
from quartiersnetz.core import ratelimit
from quartiersnetz.core.activity import history
from quartiersnetz.core.models import District
from quartiersnetz.core.timeutil import local_today
from quartiersnetz.events.views.public import (
    InvalidParameter,
    paginate,
    parse_page,
    render_page,
    simple_query,
)
from quartiersnetz.organizations.models import Membership

VIEW_LIST_PERMISSION = "coordination.view_holds"
VIEW_PERMISSION = "coordination.view_hold"
CREATE_PERMISSION = "coordination.create_hold"
MANAGE_PERMISSION = "coordination.manage_hold"
SETTINGS_PERMISSION = "coordination.change_settings"
# New holds a person may save per hour.
CREATE_LIMIT = 30
LIMIT_PERIOD = 60 * 60
# Other organisations' holds listed ahead of today (the year board shows the rest).
OTHERS_AHEAD = dt.timedelta(days=183)
OTHERS_SHOWN = 200
# Expired holds listed; older ones only count in the activity log.
EXPIRED_SHOWN = 50
# Changes of the settings shown on their page.
SETTINGS_LOG_SHOWN = 10

HOLD_WITH_DETAILS = DateHold.objects.select_related(
    "organization", "district", "place", "place__district", "event"
)


def _own_organization_ids(user):
    return list(
        Membership.objects.filter(user=user, state=Membership.State.ACTIVE).values_list(
            "organization_id", flat=True
        )
    )


def _managed_hold(request, pk):
    """The hold, if the person may change it (403 otherwise)."""
    hold = get_object_or_404(HOLD_WITH_DETAILS, pk=pk)
    if not request.user.has_perm(MANAGE_PERMISSION, hold):
        raise PermissionDenied
    return hold


def _refused(request, error, hold=None):
    """A change the domain refused: gone, already an event, or something to read."""
    code = getattr(error, "code", None)
    text = " ".join(error.messages)
    if code == "gone" or hold is None:
        messages.error(request, text)
        return redirect("coordination:holds")
    messages.info(request, text)
    return redirect(hold)


# --- The organisers' list ------------------------------------------------------------


@dataclass
class Row:
    """A hold as the organisers' list shows it."""

    hold: DateHold
    state: str
    can_manage: bool

    @property
    def actions(self):
        if not self.can_manage or self.state == holds.State.CONVERTED:
            return ()
        return ("edit", "convert", "release")


# The sections of "our holds": key, heading and hint.
SECTIONS = (
    (
        holds.State.ACTIVE,
        pgettext_lazy("date holds that still count", "Held"),
        gettext_lazy("These days count as taken by you; other organisers see them."),
    ),
    (
        holds.State.CONVERTED,
        pgettext_lazy("date holds", "Became events"),
        gettext_lazy("The plan is an event now; the event itself takes the date."),
    ),
    (
        holds.State.EXPIRED,
        pgettext_lazy("date holds", "Expired"),
        gettext_lazy("These holds no longer count. Extend “hold until” to claim the days again."),
    ),
)


def _own_sections(hold_list, today, own_ids, editor):
    rows = {key: [] for key, _title, _hint in SECTIONS}
    for hold in hold_list:
        state = holds.state_of(hold, today)
        rows[state].append(Row(hold, state, editor or hold.organization_id in own_ids))
    # Recently expired first: the older ones are only history.
    rows[holds.State.EXPIRED].sort(key=lambda row: row.hold.expires_on, reverse=True)
    hidden = max(len(rows[holds.State.EXPIRED]) - EXPIRED_SHOWN, 0)
    rows[holds.State.EXPIRED] = rows[holds.State.EXPIRED][:EXPIRED_SHOWN]
    sections = [
        {"key": key, "title": title, "hint": hint, "rows": rows[key]}
        for key, title, hint in SECTIONS
    ]
    return sections, hidden


@login_required
@require_http_methods(["GET", "HEAD"])
def hold_list(request):
    user = request.user
    if not user.has_perm(VIEW_LIST_PERMISSION):
        return render(request, "coordination/no_organisation.html")
    today = local_today()
    own_ids = _own_organization_ids(user)
    editor = is_editor(user)
    own = holds.holds_of(own_ids).order_by("first_day", "pk")
    sections, expired_hidden = _own_sections(own, today, set(own_ids), editor)
    others = list(
        holds.active_holds(today)
        .filter(last_day__gte=today, first_day__lte=today + OTHERS_AHEAD)
        .exclude(organization_id__in=own_ids)
        .select_related("organization", "district")
        .order_by("first_day", "pk")[: OTHERS_SHOWN + 1]
    )
    context = {
        "sections": sections,
        "own_count": sum(len(section["rows"]) for section in sections) + expired_hidden,
        "expired_hidden": expired_hidden,
        "has_organization": bool(own_ids),
        "others": others[:OTHERS_SHOWN],
        "others_cut": len(others) > OTHERS_SHOWN,
        "others_until": today + OTHERS_AHEAD,
        "can_create": user.has_perm(CREATE_PERMISSION),
    }
    return render(request, "coordination/hold_list.html", context)


# --- The hold form -------------------------------------------------------------------


def _form_page(request, form, *, hold=None, status=200, **extra):
    context = {"form": form, "hold": hold, **extra}
    return render(request, "coordination/hold_form.html", context, status=status)


def _initial_from_query(request):
    """Entries given in the address: the year board's "hold this weekend"
    (?first_day=2027-06-12&last_day=2027-06-13&district=welper) and the suggestions'
    "take these dates", which carry the rest of the form along (district as id)."""
    initial = {}
    for name in ("first_day", "last_day"):
        try:
            initial[name] = dt.date.fromisoformat(request.GET.get(name, "")[:10])
        except ValueError:
            continue
    district = request.GET.get("district", "")[:100]
    if district:
        lookup = Q(slug=district)
        if district.isdigit():
            lookup |= Q(pk=int(district))
        found = District.objects.filter(lookup).first()
        if found is not None:
            initial["district"] = found.pk
    for name in ("title", "audience", "visibility"):
        if request.GET.get(name):
            initial[name] = request.GET[name][:200]
    for name in ("organization", "place", "expected_attendance"):
        if request.GET.get(name, "").isdigit():
            initial[name] = int(request.GET[name])
    return initial


def _serious_conflicts(form):
    """The conflicts of the days in a valid form; a serious one without a reason is
    put on the form as an error. Returns (conflicts, refused)."""
    found = domain.check(domain.candidate_for_hold(form.instance))
    others = agreements.with_others(found, [form.instance.organization_id])
    serious = engine.is_serious(others, domain.rules())
    if serious and not form.cleaned_data.get("justification", "").strip():
        form.add_error(
            "justification",
            _(
                "These days clash seriously with other plans (listed below the form). "
                "Give a short reason why you keep them, or choose other days."
            ),
        )
        return found, True
    return found, False


def _conflict_context(found):
    return {
        "conflict_check": {
            "checked": True,
            "conflicts": found,
            "serious": engine.is_serious(found, domain.rules()),
        }
    }


def _days_text(hold):
    if hold.first_day == hold.last_day:
        return date_format(hold.first_day)
    return _("%(first)s to %(last)s") % {
        "first": date_format(hold.first_day),
        "last": date_format(hold.last_day),
    }


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def hold_create(request):
    user = request.user
    if not user.has_perm(CREATE_PERMISSION):
        raise PermissionDenied
    if request.method != "POST":
        return _form_page(request, HoldForm(user=user, initial=_initial_from_query(request)))
    form = HoldForm(request.POST, user=user)
    if not form.is_valid():
        return _form_page(request, form, status=400)
    found, refused = _serious_conflicts(form)
    if refused:
        return _form_page(request, form, status=400, **_conflict_context(found))
    if not ratelimit.allow("hold-create", user.pk, CREATE_LIMIT, LIMIT_PERIOD):
        return _form_page(request, form, status=429, rate_limited=True)
    try:
        with transaction.atomic():
            hold, created = holds.create_hold(
                form.save(commit=False), actor=user, save_related=form.save_m2m
            )
            if created:
                agreements.record_conflicts(hold, found, user)
    except ValidationError as error:
        form.add_error(None, ValidationError(error.messages))
        return _form_page(request, form, status=400, **_conflict_context(found))
    if not created:
        messages.info(
            request, _("This form had already been sent: the hold has been saved only once.")
        )
        return redirect(hold)
    messages.success(
        request,
        _("“%(title)s” is held: %(days)s, until %(until)s. Other organisers see the hold now.")
        % {
            "days": _days_text(hold),
            "title": hold.title,
            "until": date_format(hold.expires_on),
        },
    )
    return redirect(hold)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def hold_edit(request, pk):
    hold = _managed_hold(request, pk)
    user = request.user
    if hold.event_id is not None:
        messages.info(
            request, _("This date hold has already become an event: change the event instead.")
        )
        return redirect(hold)
    if request.method != "POST":
        form = HoldForm(instance=hold, user=user, initial=_initial_from_query(request))
        return _form_page(request, form, hold=hold)
    form = HoldForm(request.POST, instance=hold, user=user)
    # The form writes the input into its instance; the page shows the stored hold.
    stored = get_object_or_404(HOLD_WITH_DETAILS, pk=pk)
    if not form.is_valid():
        return _form_page(request, form, hold=stored, status=400)
    found, refused = _serious_conflicts(form)
    if refused:
        return _form_page(request, form, hold=stored, status=400, **_conflict_context(found))
    try:
        with transaction.atomic():
            changes = holds.update_hold(
                form.save(commit=False), actor=user, save_related=form.save_m2m
            )
            if changes.keys() & {"first_day", "last_day", "district", "place"}:
                agreements.record_conflicts(form.instance, found, user)
    except ValidationError as error:
        if getattr(error, "code", None) in ("gone", "converted"):
            return _refused(request, error, None if error.code == "gone" else stored)
        form.add_error(None, ValidationError(error.messages))
        return _form_page(request, form, hold=stored, status=400)
    if changes:
        messages.success(
            request,
            _("The changes to “%(title)s” have been saved.") % {"title": form.instance.title},
        )
    else:
        messages.info(request, _("Nothing has changed."))
    return redirect(form.instance)


# --- A hold's page -------------------------------------------------------------------


HOLD_ACTIONS = {
    holds.Action.CREATED: gettext_lazy("held the days"),
    holds.Action.EDITED: gettext_lazy("changed the hold"),
    holds.Action.CONVERTED: gettext_lazy("turned it into an event"),
}
SETTINGS_ACTIONS = {holds.Action.EDITED: gettext_lazy("changed the settings")}


def _label(model, name):
    if name == "event":
        return _("Event")
    return capfirst(model._meta.get_field(name).verbose_name)


def _log_rows(subject, labels, limit=None):
    entries = history(subject)
    if limit is not None:
        entries = entries[:limit]
    return [
        {
            "entry": entry,
            "action": labels.get(entry.action, entry.action),
            "changes": [
                {"label": _label(type(subject), name), "before": before, "after": after}
                for name, (before, after) in entry.changes.items()
            ],
        }
        for entry in entries
    ]


@login_required
@require_http_methods(["GET", "HEAD"])
def hold_detail(request, pk):
    hold = get_object_or_404(HOLD_WITH_DETAILS, pk=pk)
    user = request.user
    if not user.has_perm(VIEW_PERMISSION, hold):
        # An organisers-only hold does not exist for the public.
        raise Http404
    if not user.has_perm(VIEW_LIST_PERMISSION):
        # A public "save the date" seen by someone who does not organise: its public page.
        return redirect("coordination:public-hold", pk=hold.pk)
    can_manage = user.has_perm(MANAGE_PERMISSION, hold)
    context = {
        "hold": hold,
        "state": holds.state_of(hold, local_today()),
        "categories": list(hold.categories.all()),
        "can_manage": can_manage,
        "log": _log_rows(hold, HOLD_ACTIONS) if can_manage else None,
    }
    return render(request, "coordination/hold_detail.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def hold_release(request, pk):
    if request.method == "POST" and not DateHold.objects.filter(pk=pk).exists():
        # The second click of a double click.
        messages.info(request, _("The date hold has already been released."))
        return redirect("coordination:holds")
    hold = _managed_hold(request, pk)
    if hold.event_id is not None:
        messages.info(
            request,
            _(
                "This date hold has become an event and stays as its record. Cancel the event "
                "if it does not take place."
            ),
        )
        return redirect(hold)
    if request.method != "POST":
        return render(request, "coordination/hold_release.html", {"hold": hold})
    try:
        holds.release_hold(hold, actor=request.user)
    except ValidationError as error:
        return _refused(request, error, hold)
    messages.success(
        request,
        _(
            "The hold “%(title)s” (%(days)s) has been released: other organisers see the days "
            "as free again."
        )
        % {"title": hold.title, "days": _days_text(hold)},
    )
    return redirect("coordination:holds")


# --- Save the date (public) ----------------------------------------------------------


@require_http_methods(["GET", "HEAD"])
def save_the_date(request):
    """Public holds: organisations ask everyone to keep the days free."""
    errors, page = [], 1
    try:
        page = parse_page(request)
    except InvalidParameter as error:
        errors.append(error.message)
    rows, pagination = paginate(
        holds.public_holds(local_today())
        .select_related("organization", "district")
        .order_by("first_day", "pk"),
        page,
        simple_query,
    )
    context = {"holds": rows, "pagination": pagination}
    return render_page(request, "coordination/save_the_date.html", context, errors)


@require_http_methods(["GET", "HEAD"])
def public_hold(request, pk):
    hold = get_object_or_404(HOLD_WITH_DETAILS, pk=pk, visibility=DateHold.Visibility.PUBLIC)
    if hold.event_id is not None and hold.event.is_listed:
        # The plan became an event: links to the "save the date" lead to it.
        return redirect(hold.event)
    if not hold.is_active(local_today()):
        raise Http404
    context = {
        "hold": hold,
        "categories": list(hold.categories.all()),
        "is_organiser": request.user.has_perm(VIEW_LIST_PERMISSION),
    }
    return render(request, "coordination/public_hold.html", context)


# --- Settings of the conflict engine (administrators) --------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def coordination_settings(request):
    if not request.user.has_perm(SETTINGS_PERMISSION):
        raise PermissionDenied
    row = CoordinationSettings.load()
    form = SettingsForm(request.POST if request.method == "POST" else None, instance=row)
    if form.is_bound and form.is_valid():
        changes = holds.update_settings(form.save(commit=False), actor=request.user)
        if changes:
            messages.success(
                request, _("The settings have been saved. The next conflict checks use them.")
            )
        else:
            messages.info(request, _("Nothing has changed."))
        return redirect("coordination:settings")
    stored = CoordinationSettings.objects.get(pk=row.pk) if form.is_bound else row
    context = {
        "form": form,
        "settings_row": stored,
        "log": _log_rows(stored, SETTINGS_ACTIONS, limit=SETTINGS_LOG_SHOWN),
        "review_queue_url": reverse("events:review-queue"),
    }
    return render(
        request,
        "coordination/settings_form.html",
        context,
        status=400 if form.is_bound else 200,
    )
