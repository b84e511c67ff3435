"""The citizens' sign-up form of a meeting, for the meeting's page: {% signup_form meeting %}."""

from django import template

from quartiersnetz.conferences.domain.registrations import seats_left, sign_up_refusal
from quartiersnetz.conferences.forms_signup import SignUpForm

register = template.Library()


@register.inclusion_tag("conferences/includes/signup_form.html", takes_context=True)
def signup_form(context, meeting, form=None):
    """The form with what a citizen needs to know first (seats left, the waiting list).

    form: a bound form with errors; else the page's `signup_form`, else an empty one.
    """
    form = form or context.get("signup_form") or SignUpForm()
    refusal = sign_up_refusal(meeting) if meeting.is_public else ""
    return {
        "signup": {
            "meeting": meeting,
            "form": form,
            "refusal": refusal,
            "seats_left": None if refusal else seats_left(meeting),
            "rate_limited": context.get("rate_limited", False),
        },
        "meeting": meeting,
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
    }
