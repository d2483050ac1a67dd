from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from clinicians.sitemaps import ClinicianSitemap
from pages import views as page_views
from pages.sitemaps import PageSitemap

sitemaps = {"pages": PageSitemap, "clinicians": ClinicianSitemap}

admin.site.site_header = "Thrive for the People"
admin.site.site_title = "Thrive admin"
admin.site.index_title = "Front desk"

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    path("sitemap.xml", sitemap, {"sitemaps": sitemaps}, name="sitemap"),
    path("robots.txt", page_views.robots_txt, name="robots_txt"),
    path("clinicians/", include("clinicians.urls")),
    path("consultation/", include("consultations.urls")),
    path("", include("pages.urls")),
]

handler500 = "pages.views.server_error"
