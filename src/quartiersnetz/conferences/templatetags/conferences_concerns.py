"""The latest concerns of a conference's districts, for the conference page:
{% load conferences_concerns %}{% latest_concerns conference %}."""

from django import template

from quartiersnetz.conferences.domain.concerns import public_concerns

register = template.Library()

SHOWN = 5


@register.inclusion_tag("conferences/includes/concern_list_short.html")
def latest_concerns(conference, count=SHOWN):
    """The newest public concerns of the districts the conference covers."""
    districts = list(conference.districts.order_by("name"))
    concerns = (
        public_concerns()
        .filter(district__in=districts)
        .select_related("district", "taken_up_by")
        .order_by("-created_at", "-pk")[:count]
    )
    return {"concerns": list(concerns), "districts": districts, "conference": conference}
