from django.urls import path

from consultations.booking import views
from consultations.privacy import views as privacy_views

app_name = "consultations"

urlpatterns = [
    path("", views.book, name="book"),
    path("details/", views.details, name="details"),
    path("callback/", views.callback, name="callback"),
    # The signed token contains ":" and so can never collide with the fixed paths above.
    path("<str:token>/", views.manage, name="manage"),
    path("<str:token>/calendar.ics", views.calendar_file, name="calendar"),
    path("<str:token>/cancel/", views.cancel, name="cancel"),
    path("<str:token>/reschedule/", views.reschedule, name="reschedule"),
    # Privacy rights (consultations/privacy_views.py): see, download or delete what we hold.
    path("<str:token>/my-data/", privacy_views.consultation_my_data, name="my_data"),
    path("<str:token>/my-data/download/", privacy_views.consultation_my_data_download, name="my_data_download"),
    path("<str:token>/delete/", privacy_views.consultation_delete_data, name="delete_data"),
]
