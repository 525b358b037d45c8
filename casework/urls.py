from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/public/", include("blacklist.api_urls")),
    path("api/v1/disputes/", include("disputes.api_urls")),
    path("api/v1/", include("casework.api.urls")),
    path("", include("blacklist.urls")),
    path("", include("disputes.urls")),
    path("", include("arrears.urls")),
    path("", include("casework.views.campaigns")),  # /staff/campaigns/, /staff/inspection-plan/
    path("", include("arrears.views_remedies")),  # /staff/cases/<no>/remedies/
    path("", include("casework.views.urls")),
]
