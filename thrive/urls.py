from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from clinicians.sitemaps import ClinicianSitemap
from consultations.privacy import views as privacy_views
from insights.views import insights_page
from pages.sitemaps import PageSitemap
from staff.urls import two_factor_urls
from thrive import views as site_views
from thrive.health import healthz
from thrive.sitemaps import PublicViewSitemap

sitemaps = {"pages": PageSitemap, "views": PublicViewSitemap, "clinicians": ClinicianSitemap}

admin.site.site_header = "Thrive for the People"
admin.site.site_title = "Thrive admin"
admin.site.index_title = "Front desk"

urlpatterns = [
    # Before the admin, whose catch-all would otherwise answer these paths.
    *two_factor_urls(),
    path(f"{settings.ADMIN_URL}insights/", admin.site.admin_view(insights_page), name="insights"),
    path(settings.ADMIN_URL, admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("sitemap.xml", sitemap, {"sitemaps": sitemaps}, name="sitemap"),
    path("robots.txt", site_views.robots_txt, name="robots_txt"),
    path("clinicians/", include("clinicians.urls")),
    path("consultation/", include("consultations.urls")),
    path("privacy/request/", privacy_views.privacy_request, name="privacy_request"),
    path("privacy/request/sent/<str:token>/", privacy_views.privacy_request_sent, name="privacy_request_sent"),
    path("", include("pages.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    # Uploaded clinician photos, for `make run`. Outside DEBUG, whatever fronts the app must serve MEDIA_ROOT.
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler500 = "thrive.views.server_error"
