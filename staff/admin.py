"""The user admin, with a superuser's action to reset a colleague's second factor."""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied

from staff.services import two_factor_reset

User = get_user_model()


@admin.action(
    description="Reset second factor (they set up their app again at next sign-in)", permissions=["superuser"]
)
def reset_second_factor(modeladmin, request, queryset):
    if not request.user.is_superuser:
        raise PermissionDenied
    users = list(queryset)
    for user in users:
        two_factor_reset(user=user, actor=request.user)
    modeladmin.message_user(
        request,
        f"Second factor reset for {len(users)} user{'s' if len(users) != 1 else ''}: "
        "they set it up again at next sign-in.",
        messages.SUCCESS,
    )


class StaffUserAdmin(UserAdmin):
    actions = [reset_second_factor]

    def has_superuser_permission(self, request):
        """Who sees and may run the superuser-only actions (``permissions=["superuser"]``)."""
        return request.user.is_superuser


admin.site.unregister(User)
admin.site.register(User, StaffUserAdmin)
