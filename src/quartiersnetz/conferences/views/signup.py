"""Citizens' sign-up for public meetings, invitations by mail, and what the moderators
see of both: the list of sign-ups and the attendance taken at the meeting."""

import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from quartiersnetz.conferences.domain import registrations, subscriptions
from quartiersnetz.conferences.forms_signup import (
    TRAP_FIELD,
    AttendanceForm,
    SignUpForm,
    SubscribeForm,
)
from quartiersnetz.conferences.models import Registration, Subscriber
from quartiersnetz.conferences.views.common import (
    MANAGE,
    by_token,
    conference_for,
    meeting_for,
    private,
    refusal_text,
)
from quartiersnetz.core import ratelimit
from quartiersnetz.core.timeutil import localize

# Sign-ups and subscriptions one connection may send per hour.
SIGN_UPS_PER_HOUR = 10
SUBSCRIPTIONS_PER_HOUR = 10
LIMIT_PERIOD = 60 * 60

Status = Registration.Status
# The sections of the list of sign-ups, in this order.
LIST_ORDER = (Status.CONFIRMED, Status.WAITING, Status.UNCONFIRMED, Status.CANCELLED)


def _kept(form_class, data, names):
    """An unbound form with the person's input, to keep it when nothing may be saved."""
    return form_class(initial={name: data.get(name, "") for name in names})


# --- Signing up for a meeting -----------------------------------------------------------


def _check_mail(email):
    return _(
        "Thank you. We have sent a mail to %(email)s. Please open the link in it to "
        "confirm your sign-up. If it does not arrive within a few minutes, look in your "
        "spam folder."
    ) % {"email": email}


def _signup_page(request, meeting, form, status=200, **extra):
    context = {"meeting": meeting, "conference": meeting.conference, "form": form, **extra}
    return render(request, "conferences/signup_form_page.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def sign_up(request, slug, pk):
    """The sign-up form of a public meeting (also on the meeting's page)."""
    meeting = meeting_for(request, slug, pk)
    if request.method != "POST":
        return _signup_page(request, meeting, SignUpForm())
    client = ratelimit.client_address(request)
    if not ratelimit.allow("conference-sign-up", client, SIGN_UPS_PER_HOUR, LIMIT_PERIOD):
        kept = _kept(SignUpForm, request.POST, ("name", "email", "accessibility_needs"))
        return _signup_page(request, meeting, kept, status=429, rate_limited=True)
    if request.POST.get(TRAP_FIELD):
        # A bot filled the hidden trap: it is told what a person would be told.
        messages.success(request, _check_mail(request.POST.get("email", "")))
        return redirect(meeting)
    form = SignUpForm(request.POST)
    if not form.is_valid():
        return _signup_page(request, meeting, form, status=400)
    try:
        registrations.sign_up(
            meeting,
            form.cleaned_data["name"],
            form.cleaned_data["email"],
            form.cleaned_data["accessibility_needs"],
        )
    except ValidationError as error:
        form.add_error(None, refusal_text(error))
        return _signup_page(request, meeting, form, status=400)
    # The same words whether the address was new, unconfirmed or signed up already:
    # the mail says which, the page tells nobody else.
    messages.success(request, _check_mail(form.cleaned_data["email"]))
    return redirect(meeting)


def _registration_page(request, registration, status=200, **extra):
    meeting = registration.meeting
    context = {
        "registration": registration,
        "meeting": meeting,
        "conference": meeting.conference,
        "refusal": registrations.link_refusal(meeting),
        "position": registrations.waiting_position(registration),
        **extra,
    }
    return private(render(request, "conferences/registration.html", context, status=status))


def _registration_or_404(request, token):
    registration = (
        Registration.objects.select_related("meeting__conference", "meeting__place")
        .filter(token=token)
        .first()
    )
    if registration is None:
        response = render(request, "conferences/registration_unknown.html", status=404)
        return None, private(response)
    return registration, None


@require_http_methods(["GET", "HEAD", "POST"])
def registration(request, token):
    """The link in the sign-up mails. Only a button (a POST) confirms or cancels: mail
    scanners open links, they do not press buttons."""
    registration, missing = _registration_or_404(request, token)
    if missing:
        return missing
    if request.method != "POST":
        return _registration_page(request, registration)
    action = request.POST.get("action")
    try:
        if action == "confirm":
            registration = registrations.confirm(registration)
            if registration.status == Status.CONFIRMED:
                messages.success(request, _("Thank you: your seat is reserved."))
            else:
                messages.success(
                    request,
                    _("Thank you: you are number %(position)s on the waiting list.")
                    % {"position": registrations.waiting_position(registration)},
                )
        elif action == "cancel":
            registrations.cancel(registration)
            messages.success(request, _("Your sign-up has been cancelled."))
        else:
            return _registration_page(
                request, registration, status=400, error=_("Please use one of the buttons.")
            )
    except ValidationError as error:
        if error.code not in ("already_confirmed", "already_cancelled"):
            return _registration_page(request, registration, status=400, error=refusal_text(error))
        # A second click: it changes nothing, and says so.
        messages.info(request, refusal_text(error))
    return redirect("conferences:registration", token=registration.token)


# --- The moderators' list of sign-ups and the attendance --------------------------------


def _csv_cell(value):
    """A cell that spreadsheet programs do not run as a formula."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def _local(value):
    return localize(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _registrations_csv(meeting, rows):
    buffer = io.StringIO()
    # Excel opens UTF-8 with a BOM and ";" correctly in German settings.
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        [
            pgettext("sign-ups export", "Status"),
            pgettext("sign-ups export", "Name"),
            pgettext("sign-ups export", "Email"),
            pgettext("sign-ups export", "Accessibility needs"),
            pgettext("sign-ups export", "Signed up"),
            pgettext("sign-ups export", "Confirmed"),
            pgettext("sign-ups export", "Attended"),
        ]
    )
    attended = {True: _("yes"), False: _("no"), None: ""}
    for registration in rows:
        writer.writerow(
            [
                _csv_cell(registration.get_status_display()),
                _csv_cell(registration.name),
                _csv_cell(registration.email),
                _csv_cell(registration.accessibility_needs),
                _local(registration.created_at),
                _local(registration.confirmed_at),
                attended[registration.attended],
            ]
        )
    response = HttpResponse(
        buffer.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    filename = f"anmeldungen-{meeting.conference.slug}-{localize(meeting.start):%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return private(response)


@login_required
@require_GET
def registration_list(request, slug, pk):
    """Who signed up, by status, with their accessibility needs; as CSV with ?format=csv."""
    meeting = meeting_for(request, slug, pk, MANAGE)
    export = request.GET.get("format", "")
    if export not in ("", "csv"):
        return private(
            render(
                request,
                "conferences/registration_list.html",
                {"meeting": meeting, "conference": meeting.conference, "bad_format": True},
                status=400,
            )
        )
    rows = sorted(
        meeting.registrations.all(),
        key=lambda row: (
            LIST_ORDER.index(row.status),
            row.confirmed_at or row.created_at,
            row.pk,
        ),
    )
    if export == "csv":
        return _registrations_csv(meeting, rows)
    sections = [(status, [row for row in rows if row.status == status]) for status in LIST_ORDER]
    context = {
        "meeting": meeting,
        "conference": meeting.conference,
        "sections": [(Status(status).label, status, items) for status, items in sections],
        "counts": {status: len(items) for status, items in sections},
        "needs_count": sum(
            1 for row in rows if row.accessibility_needs and row.status != Status.CANCELLED
        ),
    }
    return private(render(request, "conferences/registration_list.html", context))


def _attendance_page(request, meeting, form, status=200, **extra):
    context = {
        "meeting": meeting,
        "conference": meeting.conference,
        "form": form,
        "refusal": registrations.attendance_refusal(meeting),
        **extra,
    }
    return private(render(request, "conferences/attendance.html", context, status=status))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def attendance(request, slug, pk):
    """The moderators tick who took part; saving marks the meeting as held."""
    meeting = meeting_for(request, slug, pk, MANAGE)
    members = list(registrations.attendance_members(meeting))
    citizens = list(registrations.attendance_registrations(meeting))
    lists = {"members": members, "registrations": citizens}
    if request.method != "POST":
        present = set(
            meeting.attendances.filter(present=True).values_list("membership_id", flat=True)
        )
        initial = {
            "members": [str(member.pk) for member in members if member.pk in present],
            "registrations": [str(row.pk) for row in citizens if row.attended],
            "walk_in_count": meeting.walk_in_count,
        }
        return _attendance_page(request, meeting, AttendanceForm(initial=initial, **lists))
    form = AttendanceForm(request.POST, **lists)
    if not form.is_valid():
        return _attendance_page(request, meeting, form, status=400)
    try:
        registrations.record_attendance(
            meeting,
            form.cleaned_ids("members"),
            form.cleaned_ids("registrations"),
            form.cleaned_data["walk_in_count"],
            request.user,
        )
    except ValidationError as error:
        form.add_error(None, refusal_text(error))
        return _attendance_page(request, meeting, form, status=400)
    messages.success(request, _("The attendance has been saved."))
    return redirect(meeting)


# --- Invitations by mail ------------------------------------------------------------------


def _subscribe_page(request, conference, form, status=200, **extra):
    context = {"conference": conference, "form": form, **extra}
    return render(request, "conferences/subscription_form.html", context, status=status)


def _check_mail_subscription(email):
    return _(
        "Thank you. We have sent a mail to %(email)s. Please open the link in it to "
        "confirm that you would like the invitations."
    ) % {"email": email}


@require_http_methods(["GET", "HEAD", "POST"])
def subscribe(request, slug):
    """Anyone asks for the invitations to a conference's public meetings by mail."""
    conference = conference_for(request, slug)
    if request.method != "POST":
        return _subscribe_page(request, conference, SubscribeForm())
    client = ratelimit.client_address(request)
    if not ratelimit.allow("conference-subscribe", client, SUBSCRIPTIONS_PER_HOUR, LIMIT_PERIOD):
        kept = _kept(SubscribeForm, request.POST, ("email",))
        return _subscribe_page(request, conference, kept, status=429, rate_limited=True)
    if request.POST.get(TRAP_FIELD):
        # A bot filled the hidden trap: it is told what a person would be told.
        messages.success(request, _check_mail_subscription(request.POST.get("email", "")))
        return redirect(conference)
    form = SubscribeForm(request.POST)
    if not form.is_valid():
        return _subscribe_page(request, conference, form, status=400)
    try:
        subscriptions.subscribe(conference, form.cleaned_data["email"])
    except ValidationError as error:
        form.add_error(None, refusal_text(error))
        return _subscribe_page(request, conference, form, status=400)
    messages.success(request, _check_mail_subscription(form.cleaned_data["email"]))
    return redirect(conference)


def _subscriber_or_404(request, token):
    return by_token(
        request,
        Subscriber.objects.select_related("conference"),
        token,
        "conferences/subscription_unknown.html",
    )


@require_http_methods(["GET", "HEAD", "POST"])
def subscription(request, token):
    """The link in the confirmation mail: a button confirms the subscription."""
    subscriber, missing = _subscriber_or_404(request, token)
    if missing:
        return missing
    if request.method == "POST":
        try:
            subscriptions.confirm_subscription(subscriber)
            messages.success(
                request,
                _("Thank you: you will receive the invitations to the %(conference)s.")
                % {"conference": subscriber.conference},
            )
        except ValidationError as error:
            messages.info(request, refusal_text(error))
        return redirect("conferences:subscription", token=subscriber.token)
    context = {
        "subscriber": subscriber,
        "conference": subscriber.conference,
        "unsubscribe_url": subscriptions.unsubscribe_url(subscriber),
    }
    return private(render(request, "conferences/subscription.html", context))


# Mail programs send the one-click unsubscribe (RFC 8058) as a POST without a CSRF
# token; the secret token in the address is what authorises it.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    """Stop the invitations from the link in any of them, without an account."""
    subscriber, missing = _subscriber_or_404(request, token)
    if missing:
        return missing
    context = {"subscriber": subscriber, "conference": subscriber.conference}
    if request.method == "POST":
        subscriptions.unsubscribe(subscriber)
        context["done"] = True
    return private(render(request, "conferences/subscription_unsubscribe.html", context))
