"""The consultations admin, one module per room; Django's admin discovery imports this one."""

from consultations.booking import admin as booking_admin
from consultations.calendars import admin as calendars_admin
from consultations.outbox import admin as outbox_admin
from consultations.privacy import admin as privacy_admin
from consultations.scheduling import admin as scheduling_admin

__all__ = ["booking_admin", "calendars_admin", "outbox_admin", "privacy_admin", "scheduling_admin"]
