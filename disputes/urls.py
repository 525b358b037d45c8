from django.urls import path

from . import views

app_name = "disputes"

urlpatterns = [
    path("disputes/", views.index, name="index"),
    path("disputes/apply/<str:track>/", views.apply, name="apply"),
    path("disputes/apply/<str:track>/discard/", views.apply_discard, name="apply-discard"),
    path("disputes/receipt/", views.apply_receipt, name="receipt"),
    path("disputes/track/", views.track_result, name="track-result"),
    path("disputes/track/documents/<int:doc_id>/", views.track_document, name="track-document"),
    path("my/disputes/", views.my_cases, name="my-cases"),
    path("my/disputes/<str:case_number>/", views.my_case, name="my-case"),
    path("my/disputes/<str:case_number>/documents/<int:doc_id>/", views.my_document, name="my-document"),
    path("staff/disputes/", views.staff_cases, name="staff-cases"),
    path("staff/disputes/<str:case_number>/", views.staff_case, name="staff-case"),
    path("staff/disputes/<str:case_number>/documents/<int:doc_id>/", views.staff_document, name="staff-document"),
]
