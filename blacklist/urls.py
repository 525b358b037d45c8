"""Pages: the public registry under /registry/, the staff listing pages under /staff/blacklist/."""
from django.urls import include, path

from . import views

urlpatterns = [
    path("registry/", views.registry_list, name="registry"),
    path("registry/<int:pk>/", views.registry_detail, name="registry-detail"),
    path("staff/blacklist/", views.staff_home, name="blacklist-staff"),
    path("staff/blacklist/propose/<str:case_number>/", views.staff_propose, name="blacklist-staff-propose"),
    path("staff/blacklist/<int:pk>/", views.staff_listing, name="blacklist-staff-listing"),
    path("staff/blacklist/<int:pk>/<str:step>/", views.staff_step, name="blacklist-staff-step"),
    path("", include("blacklist.urls_grading")),
    path("", include("blacklist.urls_transfer")),
    path("", include("blacklist.urls_disclosure")),
]
