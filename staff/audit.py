"""The audit history (django-auditlog) of the records staff change: personal values masked, bulk updates included.

Booking services import this module, so it holds nothing but the audit helpers.
"""

from auditlog.cid import get_cid
from auditlog.models import LogEntry
from auditlog.signals import accessed
from django.contrib.contenttypes.models import ContentType
from django.utils.encoding import smart_str

MASKED = "[hidden]"


def mask_personal_value(value):
    """How auditlog shows a personal field's old and new value: that it changed, never what it was."""
    return MASKED if value not in ("", "None") else value


def audit_record_update(*, instance, changes):
    """Add a change made with ``QuerySet.update()`` (which auditlog never sees) to the instance's audit history.

    ``changes`` maps a field name to its ``(old, new)`` values; the actor is the signed-in staff member
    of the current request, as for every other entry.
    """
    return LogEntry.objects.log_create(
        instance,
        action=LogEntry.Action.UPDATE,
        changes={field: [str(old), str(new)] for field, (old, new) in changes.items()},
    )


EXPORTED = "exported"


def audit_record_export(*, instances, actor, file_format="CSV"):
    """Record in each record's audit history that ``actor`` exported it (now, as ``file_format``).

    One query for the lot, however many rows were exported. Returns the entries written.
    """
    instances = list(instances)
    if not instances:
        return []
    content_type = ContentType.objects.get_for_model(instances[0])
    cid = get_cid()
    return LogEntry.objects.bulk_create(
        LogEntry(
            content_type=content_type,
            object_pk=str(instance.pk),
            object_id=instance.pk if isinstance(instance.pk, int) else None,
            object_repr=smart_str(instance),
            action=LogEntry.Action.ACCESS,
            actor=actor,
            cid=cid,
            additional_data={EXPORTED: file_format},
        )
        for instance in instances
    )


class ContactDetailsAccessLogMixin:
    """Record in the audit history each time someone opens a consultation and so sees the client's contact details.

    Put it before ``admin.ModelAdmin`` in the bases of the consultation admin.
    """

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            obj = response.context_data.get("original") if hasattr(response, "context_data") else None
            if obj is not None:
                accessed.send(sender=obj.__class__, instance=obj)
        return response
