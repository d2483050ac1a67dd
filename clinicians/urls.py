from django.urls import path

from clinicians import views

app_name = "clinicians"

urlpatterns = [
    path("", views.clinician_directory, name="list"),
    path("<slug:slug>/", views.clinician_detail, name="detail"),
]
