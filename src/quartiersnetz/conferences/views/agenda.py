"""The agenda of a meeting: the moderators' page with its items (add, edit, move,
delete), the attachments of an item, and their download with the permission checked."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from quartiersnetz.conferences.domain import agenda as domain
from quartiersnetz.conferences.forms_meetings import AgendaItemForm, AttachmentForm
from quartiersnetz.conferences.models import AgendaItem, Attachment
from quartiersnetz.conferences.views.common import (
    MANAGE,
    VIEW,
    VIEW_INTERNAL,
    meeting_for,
)


def _item_for(request, slug, pk, item):
    """The meeting (managed by the person) and one item of its agenda."""
    meeting = meeting_for(request, slug, pk, MANAGE)
    found = get_object_or_404(AgendaItem.objects.select_related("parent"), pk=item, meeting=meeting)
    found.meeting = meeting
    return meeting, found


def _agenda_url(meeting, item=None):
    url = reverse("conferences:agenda", kwargs={"slug": meeting.conference.slug, "pk": meeting.pk})
    return f"{url}#top-{item.pk}" if item is not None else url


def _item_url(meeting, item):
    return reverse(
        "conferences:agenda-item",
        kwargs={"slug": meeting.conference.slug, "pk": meeting.pk, "item": item.pk},
    )


def _refused(request, error, meeting):
    """A refusal that is not about a field: say it on the agenda page."""
    messages.error(request, " ".join(error.messages))
    if getattr(error, "code", None) == "cancelled":
        return redirect(meeting)
    return redirect(_agenda_url(meeting))


def _agenda_page(request, meeting, form, status=200):
    entries = domain.numbered_items(meeting)
    context = {
        "meeting": meeting,
        "conference": meeting.conference,
        "entries": entries,
        "form": form,
        "editable": not meeting.is_cancelled,
    }
    return render(request, "conferences/agenda_edit.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def agenda_edit(request, slug, pk):
    """The agenda with its items and the form that adds one."""
    meeting = meeting_for(request, slug, pk, MANAGE)
    if request.method != "POST":
        return _agenda_page(request, meeting, AgendaItemForm(meeting=meeting))
    form = AgendaItemForm(request.POST, meeting=meeting)
    if not form.is_valid():
        return _agenda_page(request, meeting, form, status=400)
    try:
        item = domain.add_item(meeting, form.item_data(), request.user)
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            return _refused(request, error, meeting)
        form.add_domain_errors(error)
        return _agenda_page(request, meeting, form, status=400)
    messages.success(
        request, _("“%(title)s” has been added to the agenda.") % {"title": item.title}
    )
    return redirect(_agenda_url(meeting, item))


def _item_page(request, meeting, item, form, attachment_form=None, status=200):
    context = {
        "meeting": meeting,
        "conference": meeting.conference,
        "item": item,
        "form": form,
        "attachment_form": attachment_form or AttachmentForm(),
        "attachments": list(item.attachments.all()),
    }
    for attachment in context["attachments"]:
        attachment.extension = domain.extension_of(attachment.file.name).upper()
    return render(request, "conferences/agenda_item_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def item_edit(request, slug, pk, item):
    meeting, item = _item_for(request, slug, pk, item)
    if request.method != "POST":
        return _item_page(request, meeting, item, AgendaItemForm(instance=item, meeting=meeting))
    stored = AgendaItem.objects.get(pk=item.pk)
    form = AgendaItemForm(request.POST, instance=item, meeting=meeting)
    if not form.is_valid():
        return _item_page(request, meeting, stored, form, status=400)
    try:
        changes = domain.update_item(stored, form.item_data(), request.user)
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            return _refused(request, error, meeting)
        form.add_domain_errors(error)
        return _item_page(request, meeting, stored, form, status=400)
    if changes:
        messages.success(request, _("The agenda item has been saved."))
    else:
        messages.info(request, _("Nothing has changed."))
    return redirect(_agenda_url(meeting, stored))


@login_required
@require_POST
def item_move(request, slug, pk, item):
    meeting, item = _item_for(request, slug, pk, item)
    try:
        domain.move_item(item, request.POST.get("direction", ""), request.user)
    except ValidationError as error:
        messages.info(request, " ".join(error.messages))
    return redirect(_agenda_url(meeting, item))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def item_delete(request, slug, pk, item):
    meeting, item = _item_for(request, slug, pk, item)
    if request.method != "POST":
        context = {
            "meeting": meeting,
            "conference": meeting.conference,
            "item": item,
            "sub_count": item.children.count(),
            "attachment_count": Attachment.objects.filter(
                Q(agenda_item=item) | Q(agenda_item__parent=item)
            ).count(),
        }
        return render(request, "conferences/agenda_item_delete.html", context)
    try:
        domain.delete_item(item, request.user)
    except ValidationError as error:
        return _refused(request, error, meeting)
    messages.success(request, _("“%(title)s” has been deleted.") % {"title": item.title})
    return redirect(_agenda_url(meeting))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def attachment_add(request, slug, pk, item):
    meeting, item = _item_for(request, slug, pk, item)
    if request.method != "POST":
        return redirect(_item_url(meeting, item))
    form = AttachmentForm(request.POST, request.FILES)
    item_form = AgendaItemForm(instance=item, meeting=meeting)
    if not form.is_valid():
        return _item_page(request, meeting, item, item_form, form, status=400)
    try:
        attachment = domain.add_attachment(
            item, form.cleaned_data["file"], form.cleaned_data.get("title", ""), request.user
        )
    except ValidationError as error:
        if getattr(error, "code", None) in ("gone", "cancelled"):
            return _refused(request, error, meeting)
        form.add_error("file", error.messages)
        return _item_page(request, meeting, item, item_form, form, status=400)
    messages.success(request, _("“%(title)s” has been attached.") % {"title": attachment.title})
    return redirect(_item_url(meeting, item))


def _attachment(pk):
    return get_object_or_404(
        Attachment.objects.select_related(
            "agenda_item__meeting__conference", "agenda_item__parent"
        ),
        pk=pk,
    )


@require_http_methods(["GET", "HEAD"])
def attachment_download(request, pk):
    """The file, for whoever may see its item: everyone for a public item of a public
    meeting, members (and the moderators) otherwise. Others learn nothing (404)."""
    attachment = _attachment(pk)
    item = attachment.agenda_item
    conference = item.meeting.conference
    if not request.user.has_perm(VIEW, conference):
        raise Http404
    if not domain.is_public_item(item) and not request.user.has_perm(VIEW_INTERNAL, conference):
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=domain.download_name(attachment),
        content_type=attachment.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def attachment_delete(request, pk):
    attachment = _attachment(pk)
    item = attachment.agenda_item
    meeting = meeting_for(request, item.meeting.conference.slug, item.meeting_id, MANAGE)
    if request.method != "POST":
        context = {
            "meeting": meeting,
            "conference": meeting.conference,
            "item": item,
            "attachment": attachment,
        }
        return render(request, "conferences/agenda_attachment_delete.html", context)
    try:
        domain.delete_attachment(attachment, request.user)
    except ValidationError as error:
        return _refused(request, error, meeting)
    messages.success(request, _("“%(title)s” has been deleted.") % {"title": attachment.title})
    return redirect(_item_url(meeting, item))
