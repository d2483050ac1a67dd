"""The open times shown outside the booking pages: the home page's next few, which `pages` may not import."""

from django import template
from django.urls import reverse

from consultations.scheduling.selectors import open_slots_for_visitors

register = template.Library()

NEXT_TIMES = 4


@register.inclusion_tag("consultations/includes/next_open_times.html")
def next_open_times(count=NEXT_TIMES):
    """The next few open times across every clinician, each going straight to the booking form."""
    return {"slots": open_slots_for_visitors()[:count], "details_url": reverse("consultations:details")}
