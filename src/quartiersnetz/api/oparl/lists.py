"""OParl's external object lists: the date filters, pages with links.next, and lists
that gather several sources (Organization, File) one after the other."""

from urllib.parse import urlencode

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from quartiersnetz.core.timeutil import local_zone

# URL parameter: (annotated field, lookup).
FILTERS = {
    "created_since": ("oparl_created", "gte"),
    "created_until": ("oparl_created", "lte"),
    "modified_since": ("oparl_modified", "gte"),
    "modified_until": ("oparl_modified", "lte"),
}
# The parameters a page's links keep.
KEPT = (*FILTERS, "elementsPerPage")


class BadRequest(Exception):
    """The request's parameters cannot be understood (400 with the message)."""


def date_filters(params):
    """{lookup: aware datetime} from the four date parameters; BadRequest for a value
    that is not a date-time. Without an offset the town's local time is meant."""
    lookups = {}
    for name, (field, operator) in FILTERS.items():
        raw = params.get(name)
        if raw is None:
            continue
        # A "+" of an offset that was not URL-encoded arrives as a space.
        value = raw.strip().replace(" ", "+")
        try:
            parsed = parse_datetime(value)
        except ValueError:
            parsed = None
        if parsed is None:
            raise BadRequest(
                _("%(name)s must be a date and time like 2026-01-31T18:00:00+01:00.")
                % {"name": name}
            )
        if timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed, local_zone())
        lookups[f"{field}__{operator}"] = parsed
    return lookups


def _positive_int(params, name, default):
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise BadRequest(_("%(name)s must be a positive whole number.") % {"name": name})
    return value


def page_size(params):
    """The server's page size; a client may ask for smaller pages (elementsPerPage)."""
    largest = settings.OPARL_PAGE_SIZE
    return min(_positive_int(params, "elementsPerPage", largest), largest)


def _link(request, params, page):
    query = {name: params[name] for name in KEPT if name in params}
    if page > 1:
        query["page"] = page
    address = settings.SITE_URL + request.path
    return f"{address}?{urlencode(query)}" if query else address


def object_list(request, sources):
    """One page of the list of sources' rows (in their order, each ordered by id):
    {"data", "pagination", "links"}. Counts and loads each source once."""
    params = request.GET
    lookups = date_filters(params)
    size = page_size(params)
    page = _positive_int(params, "page", 1)
    querysets = [source.rows().filter(**lookups) for source in sources]
    counts = [queryset.count() for queryset in querysets]
    total = sum(counts)
    offset = (page - 1) * size
    data = []
    start = 0
    for source, queryset, count in zip(sources, querysets, counts, strict=True):
        low, high = max(offset - start, 0), min(offset + size - start, count)
        if low < high:
            rows = list(queryset[low:high])
            source.prepare(rows)
            data.extend(source.serialize(row) for row in rows)
        start += count
    pages = max((total + size - 1) // size, 1)
    links = {"first": _link(request, params, 1), "self": _link(request, params, page)}
    if 1 < page <= pages:
        links["prev"] = _link(request, params, page - 1)
    if page < pages:
        links["next"] = _link(request, params, page + 1)
    links["last"] = _link(request, params, pages)
    return {
        "data": data,
        "pagination": {
            "totalElements": total,
            "elementsPerPage": size,
            "currentPage": page,
            "totalPages": pages,
        },
        "links": links,
    }


def single_page(request, data):
    """A list that is always one page (the bodies, and the lists we have nothing for)."""
    self_link = settings.SITE_URL + request.path
    return {
        "data": data,
        "pagination": {
            "totalElements": len(data),
            "elementsPerPage": settings.OPARL_PAGE_SIZE,
            "currentPage": 1,
            "totalPages": 1,
        },
        "links": {"first": self_link, "self": self_link, "last": self_link},
    }
