"""The agenda of a meeting: ordered items with one level of sub-items, their numbers
("TOP 2.1") and their attachments (PDF and office files, checked and stored privately)."""

import os
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.functional import cached_property
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

# A module import: meetings imports this module as well.
from quartiersnetz.conferences.domain import meetings
from quartiersnetz.conferences.models import AgendaItem, Attachment, Meeting, private_storage
from quartiersnetz.core.activity import changed_values, log_activity, snapshot
from quartiersnetz.core.text import render_markdown

ITEM_FIELDS = ("title", "description", "presenter", "duration_minutes", "is_public", "parent")

PDF_MAGIC = b"%PDF-"
# OOXML (docx, xlsx, pptx) and OpenDocument files are ZIP archives.
ZIP_MAGIC = b"PK\x03\x04"
# The legacy Microsoft Office formats (doc, xls, ppt) are OLE compound files.
OLE_MAGIC = b"\xd0\xcf\x11\xe0"

# Extension: (content type served, the magic bytes the file must start with).
ATTACHMENT_TYPES = {
    "pdf": ("application/pdf", PDF_MAGIC),
    "doc": ("application/msword", OLE_MAGIC),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ZIP_MAGIC,
    ),
    "odt": ("application/vnd.oasis.opendocument.text", ZIP_MAGIC),
    "xls": ("application/vnd.ms-excel", OLE_MAGIC),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ZIP_MAGIC),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", ZIP_MAGIC),
    "ppt": ("application/vnd.ms-powerpoint", OLE_MAGIC),
    "pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ZIP_MAGIC,
    ),
    "odp": ("application/vnd.oasis.opendocument.presentation", ZIP_MAGIC),
}


class Action:
    """The names of activity log entries about agendas (logged on the meeting)."""

    ITEM_ADDED = "agenda item added"
    ITEM_EDITED = "agenda item edited"
    ITEM_MOVED = "agenda item moved"
    ITEM_DELETED = "agenda item deleted"
    ATTACHMENT_ADDED = "attachment added"
    ATTACHMENT_DELETED = "attachment deleted"


# --- Numbers ---------------------------------------------------------------------------


@dataclass(frozen=True)
class NumberedItem:
    """An agenda item with its number ("2.1"). internal: the item or the item it belongs
    to is internal, so only members see it."""

    item: AgendaItem
    number: str
    is_sub: bool
    internal: bool
    # First or last among its siblings (it cannot move further up or down).
    is_first: bool = False
    is_last: bool = False

    @property
    def label(self):
        # Translators: the number of an agenda item, German "TOP 2.1".
        return pgettext("agenda item number", "Item %(number)s") % {"number": self.number}

    @property
    def depth(self):
        return 1 if self.is_sub else 0

    @cached_property
    def description_html(self):
        return render_markdown(self.item.description)

    @property
    def title(self):
        return self.item.title


def numbered_items(meeting, public_only=False):
    """The meeting's agenda in order, each item with its number.

    The numbers are the same in every version (members' and public): an internal item
    keeps its number, the public version skips it. Sub-items of an internal item count
    as internal. Attachments come along (one query).
    """
    items = list(
        AgendaItem.objects.filter(meeting=meeting)
        .prefetch_related("attachments")
        .order_by("position", "pk")
    )
    children = {}
    for item in items:
        if item.parent_id is not None:
            children.setdefault(item.parent_id, []).append(item)
        for attachment in item.attachments.all():
            # For the lists: "PDF, 1.2 MB".
            attachment.extension = extension_of(attachment.file.name).upper()
    result = []
    top_items = [item for item in items if item.parent_id is None]
    for top_number, item in enumerate(top_items, start=1):
        internal = not item.is_public
        if not (public_only and internal):
            result.append(
                NumberedItem(
                    item,
                    str(top_number),
                    False,
                    internal,
                    is_first=top_number == 1,
                    is_last=top_number == len(top_items),
                )
            )
        siblings = children.get(item.pk, ())
        for sub_number, child in enumerate(siblings, start=1):
            child_internal = internal or not child.is_public
            if public_only and child_internal:
                continue
            result.append(
                NumberedItem(
                    child,
                    f"{top_number}.{sub_number}",
                    True,
                    child_internal,
                    is_first=sub_number == 1,
                    is_last=sub_number == len(siblings),
                )
            )
    return result


def nested(entries):
    """The numbered items as [(main item, [its sub-items])], for nested lists."""
    tree = []
    for entry in entries:
        if entry.is_sub and tree:
            tree[-1][1].append(entry)
        else:
            tree.append((entry, []))
    return tree


def is_public_item(item):
    """Whether everyone may see the item: it, the item above it and its meeting are public."""
    if not (item.is_public and item.meeting.is_public):
        return False
    return item.parent_id is None or item.parent.is_public


def agenda_text(entries, mark_internal=True):
    """The agenda as lines of plain text, for mails and calendar entries."""
    lines = []
    for entry in entries:
        indent = "    " if entry.is_sub else ""
        line = f"{indent}{entry.label}: {entry.title}"
        if entry.item.presenter:
            line += f" ({entry.item.presenter})"
        if mark_internal and entry.internal:
            line += " – " + _("internal")
        lines.append(line)
    return "\n".join(lines)


# --- Changing the agenda ---------------------------------------------------------------


def _locked_meeting(meeting):
    """The meeting, locked until the transaction ends: agenda changes happen one at a time."""
    current = Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
    if current is None:
        raise ValidationError(_("This meeting no longer exists."), code="gone")
    if current.state == Meeting.State.CANCELLED:
        raise ValidationError(
            _("The meeting has been cancelled; its agenda cannot be changed."), code="cancelled"
        )
    return current


def _check_parent(meeting, item, parent):
    if parent is None:
        return
    if parent.meeting_id != meeting.pk or parent.parent_id is not None:
        raise ValidationError(
            {"parent": _("Choose a main item of this agenda.")}, code="invalid_parent"
        )
    if item.pk is not None and (
        parent.pk == item.pk or AgendaItem.objects.filter(parent=item).exists()
    ):
        raise ValidationError(
            {"parent": _("An item with sub-items cannot become a sub-item itself.")},
            code="invalid_parent",
        )


def _siblings(meeting, parent_id):
    return AgendaItem.objects.filter(meeting=meeting, parent_id=parent_id).order_by(
        "position", "pk"
    )


def _renumber(meeting, parent_id, order=None):
    """Positions 1, 2, 3 … for the items of one level (in the given order)."""
    items = order if order is not None else list(_siblings(meeting, parent_id))
    changed = []
    for position, item in enumerate(items, start=1):
        if item.position != position:
            item.position = position
            changed.append(item)
    AgendaItem.objects.bulk_update(changed, ["position"])


def _apply(item, data):
    for field in ITEM_FIELDS:
        if field in data:
            setattr(item, field, data[field])
    item.title = (item.title or "").strip()
    item.presenter = (item.presenter or "").strip()
    try:
        item.full_clean(exclude=["meeting", "position", "minutes", "decision"])
    except ValidationError as error:
        raise ValidationError(error.message_dict) from None


def _after_change(meeting):
    # The calendar entry of a public meeting lists the public items.
    meetings.sync_calendar_event(meeting)


@transaction.atomic
def add_item(meeting, data, user):
    """Add an item at the end of the agenda (or of its main item's sub-items)."""
    meeting = _locked_meeting(meeting)
    item = AgendaItem(meeting=meeting)
    parent = data.get("parent")
    _check_parent(meeting, item, parent)
    _apply(item, data)
    last = _siblings(meeting, parent.pk if parent else None).last()
    item.position = (last.position if last else 0) + 1
    item.save()
    log_activity(
        meeting,
        user,
        Action.ITEM_ADDED,
        message=item.title,
        changes=changed_values({}, snapshot(item, ITEM_FIELDS)),
    )
    _after_change(meeting)
    return item


@transaction.atomic
def update_item(item, data, user):
    """Save a changed item; a new main item puts it at the end of that one's sub-items.
    Returns the changes."""
    meeting = _locked_meeting(item.meeting)
    item = AgendaItem.objects.select_related("parent").get(pk=item.pk)
    before = snapshot(item, ITEM_FIELDS)
    old_parent_id = item.parent_id
    _check_parent(meeting, item, data.get("parent", item.parent))
    _apply(item, data)
    if item.parent_id != old_parent_id:
        last = _siblings(meeting, item.parent_id).exclude(pk=item.pk).last()
        item.position = (last.position if last else 0) + 1
    item.save()
    if item.parent_id != old_parent_id:
        _renumber(meeting, old_parent_id)
    changes = changed_values(before, snapshot(item, ITEM_FIELDS))
    if changes:
        log_activity(meeting, user, Action.ITEM_EDITED, message=item.title, changes=changes)
        _after_change(meeting)
    return changes


@transaction.atomic
def move_item(item, direction, user):
    """Move an item one place up or down among the items of its level."""
    if direction not in ("up", "down"):
        raise ValidationError(_("Choose up or down."), code="invalid_direction")
    meeting = _locked_meeting(item.meeting)
    siblings = list(_siblings(meeting, item.parent_id))
    index = next((i for i, sibling in enumerate(siblings) if sibling.pk == item.pk), None)
    if index is None:
        raise ValidationError(_("This agenda item no longer exists."), code="gone")
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(siblings):
        message = (
            _("This item is already the first one.")
            if direction == "up"
            else _("This item is already the last one.")
        )
        raise ValidationError(message, code="at_edge")
    siblings[index], siblings[other] = siblings[other], siblings[index]
    _renumber(meeting, item.parent_id, siblings)
    log_activity(meeting, user, Action.ITEM_MOVED, message=item.title)
    _after_change(meeting)


@transaction.atomic
def delete_item(item, user):
    """Delete an item with its sub-items and their attachments (files too)."""
    meeting = _locked_meeting(item.meeting)
    item = AgendaItem.objects.filter(pk=item.pk).first()
    if item is None:
        raise ValidationError(_("This agenda item no longer exists."), code="gone")
    names = list(
        Attachment.objects.filter(agenda_item__in=[item.pk, *item.children.values_list("pk")])
        .values_list("file", flat=True)
        .distinct()
    )
    parent_id, title = item.parent_id, item.title
    item.delete()
    _renumber(meeting, parent_id)
    log_activity(meeting, user, Action.ITEM_DELETED, message=title)
    _delete_files_after_commit(names)
    _after_change(meeting)


# --- Attachments -----------------------------------------------------------------------


def extension_of(name):
    return os.path.splitext(name or "")[1].lower().lstrip(".")


def check_upload(upload):
    """The content type of an uploaded agenda file, or a ValidationError: PDF and office
    files only (by extension and by their first bytes), not larger than the limit."""
    allowed = ", ".join(sorted(ATTACHMENT_TYPES))
    extension = extension_of(upload.name)
    if extension not in ATTACHMENT_TYPES:
        raise ValidationError(
            _("Only PDF and office files can be attached (%(types)s).") % {"types": allowed},
            code="file_type",
        )
    limit = settings.CONFERENCES_MAX_ATTACHMENT_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("The file is %(size)s; an attachment may have at most %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="file_size",
        )
    if upload.size == 0:
        raise ValidationError(_("The file is empty."), code="file_empty")
    content_type, magic = ATTACHMENT_TYPES[extension]
    upload.seek(0)
    head = upload.read(len(magic))
    upload.seek(0)
    if head != magic:
        raise ValidationError(
            _(
                "The file is not a real %(type)s file (its content does not match its "
                "name). Save it again as %(type)s or as PDF."
            )
            % {"type": extension.upper()},
            code="file_content",
        )
    return content_type


def _title_from(name):
    base = os.path.splitext(os.path.basename(name or ""))[0]
    return base.replace("_", " ").strip()[:200] or _("Attachment")


@transaction.atomic
def add_attachment(item, upload, title, user):
    """Attach an uploaded file to an agenda item; it is stored under a random name."""
    meeting = _locked_meeting(item.meeting)
    content_type = check_upload(upload)
    extension = extension_of(upload.name)
    title = (title or "").strip()[:200] or _title_from(upload.name)
    upload.name = f"{uuid.uuid4().hex}.{extension}"
    attachment = Attachment(
        agenda_item=item,
        title=title,
        content_type=content_type,
        size=upload.size,
        uploaded_by=user if user is not None and user.is_authenticated else None,
    )
    attachment.file.save(upload.name, upload, save=False)
    try:
        attachment.save()
    except Exception:
        attachment.file.storage.delete(attachment.file.name)
        raise
    log_activity(meeting, user, Action.ATTACHMENT_ADDED, message=f"{item.title}: {title}")
    return attachment


def download_name(attachment):
    """The file name a download gets: its title with the file's extension."""
    extension = extension_of(attachment.file.name)
    name = get_valid_filename(attachment.title) if attachment.title else "anhang"
    if extension and extension_of(name) != extension:
        name = f"{name}.{extension}"
    return name


@transaction.atomic
def delete_attachment(attachment, user):
    meeting = _locked_meeting(attachment.agenda_item.meeting)
    name = attachment.file.name
    label = f"{attachment.agenda_item.title}: {attachment.title}"
    attachment.delete()
    log_activity(meeting, user, Action.ATTACHMENT_DELETED, message=label)
    _delete_files_after_commit([name])


def _delete_files_after_commit(names):
    def delete():
        storage = private_storage()
        for name in names:
            if name:
                storage.delete(name)

    transaction.on_commit(delete)
