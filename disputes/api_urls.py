from django.urls import path

from . import api

app_name = "disputes-api"

urlpatterns = [
    path("applications/<str:track>/", api.ApplicationView.as_view(), name="apply"),
    path("track/<str:case_number>/", api.DisputeTrackView.as_view(), name="track"),
    path("track/<str:case_number>/documents/<int:doc_id>/", api.DisputeTrackDocumentView.as_view(),
         name="track-document"),
    path("cases/", api.CaseListView.as_view(), name="case-list"),
    path("cases/<str:case_number>/", api.CaseDetailView.as_view(), name="case-detail"),
    path("cases/<str:case_number>/actions/", api.CaseActionsView.as_view(), name="case-actions"),
    path("cases/<str:case_number>/actions/<str:name>/", api.CaseActionRunView.as_view(), name="case-action"),
    path("cases/<str:case_number>/documents/<int:doc_id>/", api.CaseDocumentView.as_view(), name="case-document"),
    path("mine/", api.MineListView.as_view(), name="mine"),
    path("mine/<str:case_number>/", api.MineDetailView.as_view(), name="mine-detail"),
    path("mine/<str:case_number>/defence/", api.MineDefenceView.as_view(), name="mine-defence"),
    path("mine/<str:case_number>/documents/<int:doc_id>/", api.MineDocumentView.as_view(), name="mine-document"),
]
