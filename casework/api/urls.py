"""/api/v1/: see docs/api.md. The OpenAPI document is at schema/, browsable docs (Swagger UI, served from
drf-spectacular-sidecar's static files, no CDN) at docs/. (drf-spectacular's Redoc page loads web fonts from Google:
not offered.)"""
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from . import views

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),

    path("auth/token/", views.TokenView.as_view(), name="token"),
    path("complaints/", views.ComplaintIntakeView.as_view(), name="complaint-submit"),
    path("track/<str:case_number>/", views.TrackView.as_view(), name="track"),

    path("cases/", views.CaseListView.as_view(), name="case-list"),
    path("cases/<str:case_number>/", views.CaseDetailView.as_view(), name="case-detail"),
    path("cases/<str:case_number>/inspection-records/", views.InspectionRecordCreateView.as_view(),
         name="case-inspection-records"),
    path("cases/<str:case_number>/items/<int:item_id>/verify/", views.ItemVerifyView.as_view(),
         name="case-item-verify"),
    path("cases/<str:case_number>/payments/", views.PaymentCreateView.as_view(), name="case-payments"),
    path("cases/<str:case_number>/evidence/", views.EvidenceCreateView.as_view(), name="case-evidence"),

    path("tasks/", views.TaskListView.as_view(), name="task-list"),
    path("tasks/<int:task_id>/", views.TaskDetailView.as_view(), name="task-detail"),
    path("tasks/<int:task_id>/assign/", views.TaskAssignView.as_view(), name="task-assign"),
    path("tasks/<int:task_id>/complete/", views.TaskCompleteView.as_view(), name="task-complete"),
    path("transfers/", include("blacklist.api_transfer")),
    path("grading/", include("blacklist.api_grading")),
    path("projects/", include("arrears.api_projects")),
    path("campaigns/", include("casework.api.campaigns")),
    path("cases/<str:case_number>/remedies/", include("arrears.api_remedies")),
    path("disclosures/", include("blacklist.api_disclosure")),
    path("", include("casework.api.dashboard")),  # jobs/<id>/, dashboard/ (docs/dashboards.md)
]
