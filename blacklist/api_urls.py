"""/api/v1/public/: the public registry (no account)."""
from django.urls import path

from . import api
from .api_disclosure import PublicDisclosureDetailView, PublicDisclosureListView
from .api_grading import PublicGradesView

urlpatterns = [
    path("blacklist/", api.RegistryListView.as_view(), name="blacklist-api-list"),
    path("blacklist/<int:pk>/", api.RegistryDetailView.as_view(), name="blacklist-api-detail"),
    path("blacklist.csv", api.registry_csv, name="blacklist-api-csv"),
    path("blacklist.json", api.registry_json, name="blacklist-api-json"),
    path("grades/", PublicGradesView.as_view(), name="grades-api-public"),
    path("disclosures/", PublicDisclosureListView.as_view(), name="disclosures-api-public"),
    path("disclosures/<int:pk>/", PublicDisclosureDetailView.as_view(), name="disclosure-api-public"),
]
