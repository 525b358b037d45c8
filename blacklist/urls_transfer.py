"""Staff pages of the criminal-transfer track (spec §7) under /staff/transfers/."""
from django.urls import path

from . import views_transfer as v

urlpatterns = [
    path("staff/transfers/", v.transfer_list, name="transfer-staff"),
    path("staff/transfers/open/<str:case_number>/", v.transfer_open_page, name="transfer-staff-open"),
    path("staff/transfers/<int:pk>/", v.transfer_detail, name="transfer-staff-detail"),
]
