"""The OParl 1.1 endpoints: plain views that return JSON, readable by anyone from any
origin (CORS), without cookies or sessions."""

from functools import wraps

from django.conf import settings
from django.db.models import Max, Min
from django.http import Http404, HttpResponse, JsonResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from quartiersnetz.api.oparl import objects
from quartiersnetz.api.oparl.lists import BadRequest, date_filters, object_list, single_page
from quartiersnetz.conferences.models import Conference

ALLOWED_METHODS = "GET, HEAD, OPTIONS"


def _json(data, status=200):
    return JsonResponse(
        data,
        status=status,
        content_type="application/json; charset=utf-8",
        json_dumps_params={"ensure_ascii": False},
    )


def error(status, message):
    """OParl's error object."""
    return _json({"type": objects.oparl_type("Error"), "message": str(message)}, status=status)


def oparl_view(view):
    """Every answer is JSON with Access-Control-Allow-Origin: * (errors too); OPTIONS
    answers a browser's preflight; the data is written in the site's language."""

    @csrf_exempt
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            response["Access-Control-Allow-Methods"] = ALLOWED_METHODS
            response["Access-Control-Allow-Headers"] = "*"
            response["Access-Control-Max-Age"] = "86400"
        elif request.method not in ("GET", "HEAD"):
            response = error(405, _("This interface can only be read."))
            response["Allow"] = ALLOWED_METHODS
        else:
            with translation.override(settings.LANGUAGE_CODE):
                try:
                    response = view(request, *args, **kwargs)
                except Http404:
                    response = error(404, _("There is no such object."))
                except BadRequest as exc:
                    response = error(400, exc)
        response["Access-Control-Allow-Origin"] = "*"
        return response

    return wrapper


def _detail(source, **lookup):
    rows = list(source.rows().filter(**lookup)[:1])
    if not rows:
        raise Http404
    source.prepare(rows)
    return _json(source.serialize(rows[0]))


def _list(request, *sources):
    return _json(object_list(request, list(sources)))


def _stamps():
    """created and modified of the System and the Body: the first conference and the
    latest change to one."""
    stamps = Conference.objects.aggregate(created=Min("created_at"), modified=Max("updated_at"))
    now = timezone.now()
    return {
        "created": objects.timestamp(stamps["created"] or now),
        "modified": objects.timestamp(stamps["modified"] or now),
    }


def _body():
    return {
        "id": objects.body_url(),
        "type": objects.oparl_type("Body"),
        "system": objects.url("system"),
        "name": settings.TOWN_NAME,
        "website": settings.SITE_URL + "/",
        "organization": objects.url("organization-list"),
        "person": objects.url("person-list"),
        "meeting": objects.url("meeting-list"),
        "paper": objects.url("paper-list"),
        "legislativeTerm": [],
        "agendaItem": objects.url("agendaitem-list"),
        "consultation": objects.url("consultation-list"),
        "file": objects.url("file-list"),
        "locationList": objects.url("location-list"),
        "legislativeTermList": objects.url("legislativeterm-list"),
        "membership": objects.url("membership-list"),
        "web": settings.SITE_URL + "/konferenzen/",
        **_stamps(),
    }


@oparl_view
def system(request):
    return _json(
        {
            "id": objects.url("system"),
            "type": objects.oparl_type("System"),
            "oparlVersion": objects.SCHEMA,
            "name": f"Quartiersnetz {settings.TOWN_NAME}",
            "body": objects.url("body-list"),
            "website": settings.SITE_URL + "/",
            **_stamps(),
        }
    )


@oparl_view
def body_list(request):
    date_filters(request.GET)
    return _json(single_page(request, [_body()]))


@oparl_view
def body(request, slug):
    if slug != objects.body_slug():
        raise Http404
    return _json(_body())


@oparl_view
def organization_list(request):
    return _list(request, objects.ConferenceSource(), objects.OrganisationSource())


def _kind(kinds, kind):
    if kind not in kinds:
        raise Http404
    return kinds[kind]()


@oparl_view
def organization(request, kind, pk):
    return _detail(_kind(objects.ORGANIZATION_KINDS, kind), pk=pk)


@oparl_view
def organization_meetings(request, kind, pk):
    """The meetings of one conference (Organization.meeting)."""
    if kind != objects.CONFERENCE or not Conference.objects.filter(pk=pk).exists():
        raise Http404

    class ConferenceMeetings(objects.MeetingSource):
        def rows(self):
            return super().rows().filter(conference_id=pk)

    return _list(request, ConferenceMeetings())


@oparl_view
def person_list(request):
    return _list(request, objects.PersonSource())


@oparl_view
def person(request, pk):
    return _detail(objects.PersonSource(), pk=pk)


@oparl_view
def membership_list(request):
    return _list(request, objects.MembershipSource())


@oparl_view
def membership(request, pk):
    return _detail(objects.MembershipSource(), pk=pk)


@oparl_view
def meeting_list(request):
    return _list(request, objects.MeetingSource())


@oparl_view
def meeting(request, pk):
    return _detail(objects.MeetingSource(), pk=pk)


@oparl_view
def agendaitem_list(request):
    return _list(request, objects.AgendaItemSource())


@oparl_view
def agendaitem(request, pk):
    return _detail(objects.AgendaItemSource(), pk=pk)


@oparl_view
def file_list(request):
    return _list(request, *(source() for source in objects.FILE_KINDS.values()))


@oparl_view
def file(request, kind, pk):
    source = _kind(objects.FILE_KINDS, kind)
    return _detail(source, **{source.lookup: pk})


@oparl_view
def location_list(request):
    return _list(request, objects.LocationSource())


@oparl_view
def location(request, pk):
    return _detail(objects.LocationSource(), pk=pk)


@oparl_view
def empty_list(request):
    """Papers, consultations and legislative terms: the conferences have none, but the
    Body must name these lists, so clients find them empty."""
    date_filters(request.GET)
    return _json(single_page(request, []))


@oparl_view
def not_found(request, rest=""):
    raise Http404
