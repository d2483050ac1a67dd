"""Who may see what in the admin: the front desk sees everything, a clinician only their own records."""

from django.http import Http404

from clinicians.models import Clinician

FRONT_DESK_GROUP = "Front desk"
CLINICIANS_GROUP = "Clinicians"


def is_front_desk(user):
    """True for a superuser, a member of "Front desk", or anyone allowed to see every clinician's consultations."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser or user.has_perm("consultations.view_all_consultations"):
        return True
    # Remembered on the user object: the admin asks several times per request.
    if not hasattr(user, "_thrive_is_front_desk"):
        user._thrive_is_front_desk = user.groups.filter(name=FRONT_DESK_GROUP).exists()
    return user._thrive_is_front_desk


class ClinicianScopedAdminMixin:
    """Limit a ModelAdmin to the signed-in clinician's own rows unless the user is front desk.

    Put it before ``admin.ModelAdmin`` in the bases and set ``clinician_lookup`` to the path from the
    model to its ``Clinician``: ``"clinician"`` (the default) for ConsultationHours, TimeOff and
    Consultation, or ``""`` for the Clinician model itself. For a clinician (a staff user linked to a
    ``Clinician`` through ``Clinician.user``) it:

    - filters ``get_queryset`` to rows whose clinician is theirs (a staff user with no clinician
      record sees nothing), so the changelist, search and bulk actions never reach other rows;
    - answers 404 for another clinician's change, delete and history URLs, and refuses object
      permissions for such objects (403) as a second line of defence;
    - offers only their own record in every ForeignKey to ``Clinician`` and makes that choice
      required (a clinician cannot add time off for the whole practice);
    - drops the ``clinician_lookup`` filter from the changelist sidebar, which would list colleagues.

    The front desk (see ``is_front_desk``) and superusers are not limited at all.
    """

    clinician_lookup = "clinician"

    def _own_rows_filter(self, request):
        prefix = f"{self.clinician_lookup}__" if self.clinician_lookup else ""
        return {f"{prefix}user": request.user}

    def is_scoped(self, request):
        """True when the request's user is limited to their own records."""
        return not is_front_desk(request.user)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if not self.is_scoped(request):
            return queryset
        return queryset.filter(**self._own_rows_filter(request))

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        # Django's admin would redirect to the index with "doesn't exist"; for a colleague's
        # record a plain 404 says less and is what the practice asked for.
        if obj is None and self.is_scoped(request):
            raise Http404("Not found.")
        return obj

    def _owns(self, request, obj):
        if obj is None or not self.is_scoped(request):
            return True
        return self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._owns(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._owns(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._owns(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        scoped = db_field.related_model is Clinician and self.is_scoped(request)
        if scoped:
            kwargs["queryset"] = Clinician.objects.filter(user=request.user)
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if scoped and formfield is not None:
            formfield.required = True
            formfield.empty_label = None
        return formfield

    def get_list_filter(self, request):
        list_filter = super().get_list_filter(request)
        if not self.is_scoped(request) or not self.clinician_lookup:
            return list_filter
        return [f for f in list_filter if f != self.clinician_lookup]
