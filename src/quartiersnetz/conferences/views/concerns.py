"""The concerns board ("wo der Schuh drückt"): the public lists and pages, raising a
concern with or without an account, following it, and the moderators' steps."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from quartiersnetz.conferences.domain import concerns
from quartiersnetz.conferences.forms_concerns import (
    ConcernForm,
    FilterForm,
    FollowForm,
    TakeUpForm,
    TriageForm,
)
from quartiersnetz.conferences.forms_signup import TRAP_FIELD
from quartiersnetz.conferences.models import Concern, ConcernFollower
from quartiersnetz.conferences.views.common import by_token, private, refusal_text
from quartiersnetz.core import ratelimit
from quartiersnetz.core.models import District
from quartiersnetz.events.views.public import InvalidParameter, paginate, parse_page
from quartiersnetz.organizations.domain import verified_emails

TRIAGE = "conferences.triage_concern"
TAKE_UP = "conferences.take_up_concern"

# Concerns and follow requests one connection may send per hour.
CONCERNS_PER_HOUR = 5
FOLLOWS_PER_HOUR = 10
LIMIT_PERIOD = 60 * 60

Status = Concern.Status
CONCERN_FIELDS = ("district", "title", "description", "topic", "place", "location_text")


def _add_errors(form, error):
    """A domain refusal on the form: on its fields where it names them."""
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, refusal_text(error))


def _public_concern(pk):
    return get_object_or_404(
        Concern.objects.select_related(
            "district", "place", "taken_up_by", "agenda_item__meeting__conference"
        ),
        pk=pk,
        status__in=Concern.PUBLIC_STATUSES,
    )


# --- Lists -------------------------------------------------------------------------------


def _list_page(request, district=None):
    form = FilterForm(request.GET or None, with_districts=district is None)
    errors = []
    if request.GET and not form.is_valid():
        errors = form.error_messages()
    try:
        page = parse_page(request)
    except InvalidParameter as error:
        errors.append(error.message)
        page = 1
    rows = concerns.public_concerns()
    if district is not None:
        rows = rows.filter(district=district)
    chosen = form.cleaned_data if form.is_bound and not errors else {}
    rows = concerns.filter_concerns(
        rows,
        statuses=chosen.get("status", ()),
        topics=chosen.get("topic", ()),
        districts=chosen.get("district", ()),
    ).select_related("district", "taken_up_by")
    query = {
        key: values
        for key, values in request.GET.lists()
        if key in ("status", "topic", "district") and not errors
    }

    def query_for_page(number):
        parts = dict(query)
        if number:
            parts["page"] = [number]
        return urlencode(parts, doseq=True)

    items, pagination = paginate(rows.order_by("-created_at", "-pk"), page, query_for_page)
    context = {
        "concerns": items,
        "pagination": pagination,
        "form": form,
        "district": district,
        "errors": errors,
        "filtered": any(query.values()),
    }
    return render(request, "conferences/concern_list.html", context, status=400 if errors else 200)


@require_http_methods(["GET", "HEAD"])
def concern_list(request):
    """Every public concern of the town, filtered by status, topic and district."""
    return _list_page(request)


@require_http_methods(["GET", "HEAD"])
def district_concerns(request, slug):
    district = get_object_or_404(District, slug=slug)
    return _list_page(request, district)


# --- Raising a concern -------------------------------------------------------------------


def _form_page(request, form, status=200, **extra):
    context = {"form": form, **extra}
    return render(request, "conferences/concern_form.html", context, status=status)


def _check_mail(email):
    return _(
        "Thank you. We have sent a mail to %(email)s. Please open the link in it to "
        "confirm your concern; it is published after that. If it does not arrive within "
        "a few minutes, look in your spam folder."
    ) % {"email": email}


@require_http_methods(["GET", "HEAD", "POST"])
def concern_create(request):
    """Anyone raises a concern for a district, with or without an account."""
    anonymous = not request.user.is_authenticated
    if request.method != "POST":
        district = District.objects.filter(slug=request.GET.get("district", "")).first()
        initial = {"district": district.slug} if district else {}
        form = ConcernForm(initial=initial, anonymous=anonymous, district=district)
        return _form_page(request, form)
    client = ratelimit.client_address(request)
    if not ratelimit.allow("concern-create", client, CONCERNS_PER_HOUR, LIMIT_PERIOD):
        names = CONCERN_FIELDS + (("name", "email") if anonymous else ())
        kept = ConcernForm(
            initial={name: request.POST.get(name, "") for name in names}, anonymous=anonymous
        )
        return _form_page(request, kept, status=429, rate_limited=True)
    if request.POST.get(TRAP_FIELD):
        # A bot filled the hidden trap: it is told what a person would be told.
        messages.success(request, _check_mail(request.POST.get("email", "")))
        return redirect("conferences:concerns")
    form = ConcernForm(request.POST, anonymous=anonymous)
    if not form.is_valid():
        return _form_page(request, form, status=400)
    try:
        concern = concerns.raise_concern(form.cleaned_data, request.user)
    except ValidationError as error:
        _add_errors(form, error)
        return _form_page(request, form, status=400)
    if anonymous:
        messages.success(request, _check_mail(concern.author_email))
        return redirect("conferences:district-concerns", slug=concern.district.slug)
    messages.success(request, _("Thank you: your concern is published. You follow it."))
    return redirect(concern)


def _concern_by_token(request, token):
    concern = Concern.objects.select_related("district").filter(token=token).first()
    if concern is None:
        response = render(request, "conferences/concern_unknown.html", status=404)
        return None, private(response)
    return concern, None


@require_http_methods(["GET", "HEAD", "POST"])
def concern_confirm(request, token):
    """The link in the confirmation mail: a button (a POST) publishes the concern; mail
    scanners open links, they do not press buttons."""
    concern, missing = _concern_by_token(request, token)
    if missing:
        return missing
    if request.method == "POST":
        try:
            concern = concerns.confirm_concern(concern)
            messages.success(
                request, _("Thank you: your concern is published. You follow it by mail.")
            )
        except ValidationError as error:
            messages.info(request, refusal_text(error))
        return redirect(concern)
    return private(render(request, "conferences/concern_confirm.html", {"concern": concern}))


# --- A concern's page --------------------------------------------------------------------


def _history(concern):
    return concern.updates.select_related(
        "agenda_item__meeting__conference", "organization"
    ).order_by("created_at", "pk")


def _detail_context(request, concern, follow_form=None, take_up_form=None):
    user = request.user
    can_triage = user.has_perm(TRIAGE, concern)
    organizations = concerns.member_organizations(user)
    may_take_up = (
        concern.status in (Status.NEW, Status.IN_DISCUSSION)
        and user.has_perm(TAKE_UP, concern)
        and organizations.exists()
    )
    if may_take_up and take_up_form is None:
        take_up_form = TakeUpForm(organizations=organizations)
    return {
        "concern": concern,
        "history": _history(concern),
        "follow_form": follow_form or FollowForm(initial=_follow_initial(request)),
        "take_up_form": take_up_form if may_take_up else None,
        "can_triage": can_triage,
        "conferences": concerns.covering_conferences(concern),
    }


def _follow_initial(request):
    if request.user.is_authenticated:
        return {"email": request.user.email}
    return {}


@require_http_methods(["GET", "HEAD"])
def concern_detail(request, pk):
    concern = _public_concern(pk)
    return render(request, "conferences/concern_detail.html", _detail_context(request, concern))


# --- Following ---------------------------------------------------------------------------


def _follow_page(request, concern, form, status=200, **extra):
    context = {"concern": concern, "follow_form": form, **extra}
    return render(request, "conferences/concern_follow.html", context, status=status)


def _check_mail_follow(email):
    return _(
        "Thank you. We have sent a mail to %(email)s. Please open the link in it to "
        "confirm that you would like to follow this concern."
    ) % {"email": email}


@require_http_methods(["GET", "HEAD", "POST"])
def concern_follow(request, pk):
    """Be told by mail of every step of a concern (also a form on its page)."""
    concern = _public_concern(pk)
    if request.method != "POST":
        return _follow_page(request, concern, FollowForm(initial=_follow_initial(request)))
    client = ratelimit.client_address(request)
    if not ratelimit.allow("concern-follow", client, FOLLOWS_PER_HOUR, LIMIT_PERIOD):
        kept = FollowForm(initial={"email": request.POST.get("email", "")})
        return _follow_page(request, concern, kept, status=429, rate_limited=True)
    if request.POST.get(TRAP_FIELD):
        messages.success(request, _check_mail_follow(request.POST.get("email", "")))
        return redirect(concern)
    form = FollowForm(request.POST)
    if not form.is_valid():
        return _follow_page(request, concern, form, status=400)
    verified = verified_emails(request.user) if request.user.is_authenticated else set()
    try:
        _follower, outcome = concerns.follow(
            concern, form.cleaned_data["email"], request.user, verified
        )
    except ValidationError as error:
        form.add_error(None, refusal_text(error))
        return _follow_page(request, concern, form, status=400)
    if outcome == concerns.Outcome.CONFIRMED:
        messages.success(request, _("You follow this concern: we tell you of every step."))
    else:
        messages.success(request, _check_mail_follow(form.cleaned_data["email"]))
    return redirect(concern)


def _follower_by_token(request, token):
    return by_token(
        request,
        ConcernFollower.objects.select_related("concern", "concern__district"),
        token,
        "conferences/concern_unknown.html",
    )


@require_http_methods(["GET", "HEAD", "POST"])
def follow_confirm(request, token):
    """The link in the mail: a button confirms that the address follows the concern."""
    follower, missing = _follower_by_token(request, token)
    if missing:
        return missing
    if request.method == "POST":
        try:
            concerns.confirm_follow(follower)
            messages.success(request, _("Thank you: you follow this concern."))
        except ValidationError as error:
            messages.info(request, refusal_text(error))
        return redirect("conferences:concern-follow-confirm", token=follower.token)
    context = {
        "follower": follower,
        "concern": follower.concern,
        "unfollow_url": concerns.unfollow_url(follower),
    }
    return private(render(request, "conferences/concern_follow_confirm.html", context))


# Mail programs send the one-click unsubscribe (RFC 8058) as a POST without a CSRF
# token; the secret token in the address is what authorises it.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unfollow(request, token):
    """Stop the mails about a concern from the link in any of them, without an account."""
    follower, missing = _follower_by_token(request, token)
    if missing:
        return missing
    context = {"follower": follower, "concern": follower.concern}
    if request.method == "POST":
        concerns.unfollow(follower)
        context["done"] = True
    return private(render(request, "conferences/concern_unfollow.html", context))


# --- The moderators' steps ---------------------------------------------------------------


def _triage_page(request, concern, form, status=200):
    context = {
        "concern": concern,
        "form": form,
        "history": _history(concern),
        "next_meeting": concerns.next_meeting(concern),
    }
    return render(request, "conferences/concern_triage.html", context, status=status)


def _triage_form(concern, data=None):
    actions = [target for target, sources in concerns.SOURCES.items() if concern.status in sources]
    return TriageForm(
        data,
        actions=actions,
        agenda_items=concerns.agenda_item_choices(concern),
        initial={"agenda_item": concern.agenda_item_id, "organization": concern.taken_up_by_id},
    )


def _apply_step(concern, user, data, allowed_organizations=None):
    """The one domain function of the chosen step."""
    action = data["action"]
    message = data.get("message", "")
    if action == Status.IN_DISCUSSION:
        return concerns.discuss(
            concern,
            user,
            agenda_item=data.get("agenda_item"),
            new_item_on_next_meeting=data.get("new_item", False),
            message=message,
        )
    if action == Status.TAKEN_UP:
        return concerns.take_up(
            concern,
            user,
            data.get("organization"),
            message=message,
            allowed_organizations=allowed_organizations,
        )
    if action == Status.DONE:
        return concerns.mark_done(concern, user, message=message)
    if action == Status.DECLINED:
        return concerns.decline(concern, user, reason=message)
    return concerns.reopen(concern, user, message=message)


def _take_up_by_member(request, concern):
    """A member of an organisation says, from the concern's page, that it takes it up."""
    organizations = concerns.member_organizations(request.user)
    form = TakeUpForm(request.POST, organizations=organizations)
    if form.is_valid():
        try:
            _apply_step(
                concern,
                request.user,
                {"action": Status.TAKEN_UP, **form.cleaned_data},
                allowed_organizations=organizations,
            )
            messages.success(request, _("Thank you: the concern is marked as taken up."))
            return redirect(concern)
        except ValidationError as error:
            if error.code in ("already", "invalid_state"):
                messages.info(request, refusal_text(error))
                return redirect(concern)
            _add_errors(form, error)
    context = _detail_context(request, concern, take_up_form=form)
    context["take_up_form"] = form
    return render(request, "conferences/concern_detail.html", context, status=400)


@require_http_methods(["GET", "HEAD", "POST"])
def concern_triage(request, pk):
    """The moderators' steps: GET shows the form; POST with action=… applies one. A
    member of an organisation may only POST action=taken_up for their organisation."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    concern = _public_concern(pk)
    if not request.user.has_perm(TRIAGE, concern):
        if (
            request.method == "POST"
            and request.POST.get("action") == Status.TAKEN_UP
            and request.user.has_perm(TAKE_UP, concern)
        ):
            return _take_up_by_member(request, concern)
        raise PermissionDenied
    if request.method != "POST":
        return _triage_page(request, concern, _triage_form(concern))
    form = _triage_form(concern, request.POST)
    if not form.is_valid():
        if not form.fields["action"].choices or (
            "action" in form.errors and request.POST.get("action") in concerns.SOURCES
        ):
            # A second click after the step was taken: the concern has moved on.
            messages.info(request, _("The concern has changed meanwhile: nothing was changed."))
            return redirect("conferences:concern-triage", pk=concern.pk)
        return _triage_page(request, concern, form, status=400)
    try:
        _apply_step(concern, request.user, form.cleaned_data)
    except ValidationError as error:
        if error.code in ("already", "invalid_state", "gone"):
            messages.info(request, refusal_text(error))
            return redirect("conferences:concern-triage", pk=concern.pk)
        _add_errors(form, error)
        return _triage_page(request, concern, form, status=400)
    messages.success(
        request,
        _("The concern is now “%(status)s”; its followers have been told.")
        % {"status": Concern.objects.get(pk=concern.pk).get_status_display()},
    )
    return redirect(concern)
