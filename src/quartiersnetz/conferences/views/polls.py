"""Finding a date: the moderator's form and results, the members' answers (signed in
or through their personal link) and picking the date."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from quartiersnetz.conferences.domain import polls
from quartiersnetz.conferences.forms_polls import (
    AnswerForm,
    PollForm,
    initial_answers,
    row_count,
)
from quartiersnetz.conferences.models import DatePoll, PollAnswer
from quartiersnetz.conferences.views.common import (
    MANAGE,
    VIEW_INTERNAL,
    can,
    conference_for,
    private,
)

POLL_WITH_DETAILS = DatePoll.objects.select_related(
    "conference", "place", "place__district", "meeting", "meeting__place"
)


def _poll_for(request, pk, permission):
    """The poll with its conference's permission checked (404 when the conference is
    hidden from the person, 403 without the permission)."""
    poll = get_object_or_404(POLL_WITH_DETAILS, pk=pk)
    conference_for(request, poll.conference.slug, permission)
    return poll


def _last_place(conference):
    meeting = conference.meetings.exclude(place=None).order_by("-start").first()
    return meeting.place_id if meeting else None


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def poll_create(request, slug):
    conference = conference_for(request, slug, MANAGE)
    if request.method != "POST":
        form = PollForm(
            rows=row_count(request.GET.get("rows")), initial={"place": _last_place(conference)}
        )
        return _create_page(request, conference, form)
    form = PollForm(request.POST)
    if not form.is_valid():
        return _create_page(request, conference, form, status=400)
    data = form.cleaned_data
    try:
        poll, created = polls.create_poll(
            conference, data["title"], data["note"], data["place"], data["options"], request.user
        )
    except ValidationError as error:
        form.add_error(None, ValidationError(error.messages))
        return _create_page(request, conference, form, status=400)
    if created:
        messages.success(
            request,
            _("The dates have been sent to the members. Their answers appear here."),
        )
    else:
        messages.info(request, _("This form had already been sent: the poll was saved once."))
    return redirect("conferences:poll", pk=poll.pk)


def _create_page(request, conference, form, status=200):
    context = {
        "conference": conference,
        "form": form,
        "more_rows": form.row_count < polls.MAX_OPTIONS,
        "max_rows": polls.MAX_OPTIONS,
    }
    return render(request, "conferences/poll_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def poll_detail(request, pk):
    """Managers see the results, the clashes and pick the date; members (managers too,
    if they take part) answer here."""
    poll = _poll_for(request, pk, VIEW_INTERNAL)
    permissions = can(request, poll.conference)
    membership = polls.member_for(poll, request.user)
    if request.method == "POST":
        if membership is None:
            messages.error(request, _("Only members of the conference answer date polls."))
            return redirect("conferences:poll", pk=poll.pk)
        return _save_answer(
            request,
            poll,
            membership,
            lambda form: _detail_page(request, poll, permissions, membership, form, status=400),
        )
    return _detail_page(request, poll, permissions, membership)


def _detail_page(request, poll, permissions, membership, form=None, status=200, **extra):
    options = list(poll.options.all())
    result = None
    conflicts = {}
    if permissions["manage"]:
        result = polls.results(poll, with_clashes=poll.is_open)
        conflicts = {row.option.pk: row.conflicts for row in result.options}
    elif poll.is_open and membership is not None:
        conflicts = polls.clashes(poll, options, public_only=True)
    if form is None and membership is not None and poll.is_open:
        form = AnswerForm(
            options=options, initial=initial_answers(polls.answers_of(poll, membership))
        )
    context = {
        "poll": poll,
        "conference": poll.conference,
        "can": permissions,
        "membership": membership,
        "results": result,
        "form": form,
        "answer_rows": form.answer_rows(conflicts) if form is not None else (),
        "options": options,
        **extra,
    }
    return render(request, "conferences/poll_detail.html", context, status=status)


def _save_answer(request, poll, membership, invalid_page):
    """Save the member's answers and come back to the page; invalid_page(form) shows
    the form again with its errors."""
    options = list(poll.options.all())
    form = AnswerForm(request.POST, options=options)
    if form.is_valid():
        try:
            polls.answer(poll, membership, form.cleaned_data["answers"], user=request.user)
        except ValidationError as error:
            if getattr(error, "code", None) in ("closed", "gone"):
                messages.error(request, " ".join(error.messages))
                return redirect(request.path)
            form.add_error(None, ValidationError(error.messages))
        else:
            messages.success(request, _("Thank you, your answers have been saved."))
            return redirect(request.path)
    return invalid_page(form)


@require_http_methods(["GET", "HEAD", "POST"])
def poll_answer(request, pk, token):
    """The member's personal link: works without an account."""
    poll = get_object_or_404(POLL_WITH_DETAILS, pk=pk)
    membership = polls.membership_by_token(poll, token)
    if membership is None or not poll.conference.is_active:
        raise Http404
    if request.method == "POST":
        if not poll.is_open:
            return _answer_page(
                request,
                poll,
                membership,
                status=400,
                refused=_("This date poll is closed: answers are no longer possible."),
            )
        return _save_answer(
            request,
            poll,
            membership,
            lambda form: _answer_page(request, poll, membership, form=form, status=400),
        )
    return _answer_page(request, poll, membership)


def _answer_page(request, poll, membership, form=None, status=200, **extra):
    options = list(poll.options.all())
    conflicts = {}
    if poll.is_open:
        conflicts = polls.clashes(poll, options, public_only=True)
        if form is None:
            form = AnswerForm(
                options=options, initial=initial_answers(polls.answers_of(poll, membership))
            )
    context = {
        "poll": poll,
        "conference": poll.conference,
        "membership": membership,
        "form": form if poll.is_open else None,
        "answer_rows": form.answer_rows(conflicts) if poll.is_open else (),
        "options": options,
        "answered": [] if poll.is_open else _answered(options, polls.answers_of(poll, membership)),
        **extra,
    }
    # The address is personal: no search engine, no cache shared with others.
    return private(render(request, "conferences/poll_answer.html", context, status=status))


def _answered(options, given):
    """(option, the member's answer as text or "") for a closed poll."""
    return [
        (option, PollAnswer.Answer(given[option.pk]).label if option.pk in given else "")
        for option in options
    ]


@login_required
@require_POST
def poll_pick(request, pk):
    poll = _poll_for(request, pk, MANAGE)
    option = request.POST.get("option", "")
    if not option.isdigit():
        messages.error(request, _("Choose one of the proposed dates."))
        return _detail_page(
            request,
            poll,
            can(request, poll.conference),
            polls.member_for(poll, request.user),
            status=400,
        )
    try:
        meeting = polls.pick(poll, int(option), request.user)
    except ValidationError as error:
        if getattr(error, "code", None) in ("closed", "gone"):
            messages.info(request, " ".join(error.messages))
            return redirect("conferences:poll", pk=poll.pk)
        messages.error(request, " ".join(error.messages))
        return _detail_page(
            request,
            poll,
            can(request, poll.conference),
            polls.member_for(poll, request.user),
            status=400,
        )
    messages.success(
        request,
        _(
            "The date is fixed and the members have been told. Now prepare the agenda and send "
            "the invitations."
        ),
    )
    return redirect(meeting)
