from django.urls import path

from consultations.booking import views
from consultations.calendars import views as calendar_views
from consultations.privacy import views as privacy_views

app_name = "consultations"

urlpatterns = [
    path("", views.book, name="book"),
    path("details/", views.details, name="details"),
    path("callback/", views.callback, name="callback"),
    path("new-link/", privacy_views.private_link_request, name="new_link"),
    path("data-erased/", privacy_views.consultation_data_erased, name="data_erased"),
    # A clinician's private calendar subscription (consultations/calendars/): two segments, never a booking link.
    path("calendar/<str:token>/calls.ics", calendar_views.calendar_feed, name="calendar_feed"),
    # The signed token contains ":" and so can never collide with the fixed paths above.
    path("<str:token>/", views.manage, name="manage"),
    path("<str:token>/calendar.ics", views.calendar_file, name="calendar"),
    path("<str:token>/cancel/", views.cancel, name="cancel"),
    path("<str:token>/reschedule/", views.reschedule, name="reschedule"),
    # Privacy rights (consultations/privacy_views.py): see, download or delete what we hold.
    path("<str:token>/my-data/", privacy_views.consultation_my_data, name="my_data"),
    path("<str:token>/my-data/download/", privacy_views.consultation_my_data_download, name="my_data_download"),
    path("<str:token>/my-data/code/", privacy_views.consultation_access_code, name="access_code"),
    path("<str:token>/delete/", privacy_views.consultation_delete_data, name="delete_data"),
]
