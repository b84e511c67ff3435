"""The umbrella round's projects, for includes/umbrella_projects.html:
{% cross_district_projects conference as projects %}."""

from django import template

from quartiersnetz.conferences.domain.projects import cross_district_projects as projects_of

register = template.Library()


@register.simple_tag
def cross_district_projects(conference):
    """The projects the umbrella round carries and those in several districts."""
    return list(projects_of(conference))
