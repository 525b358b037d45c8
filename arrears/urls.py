"""Construction project pages (included from casework/urls.py)."""
from django.urls import path

from . import views_projects as v

app_name = "arrears"

urlpatterns = [
    path("projects/", v.my_projects, name="my-projects"),
    path("projects/new/", v.project_new, name="project-new"),
    path("projects/templates/<str:kind>.<str:fmt>", v.import_template, name="import-template"),
    path("projects/<int:pk>/", v.project_detail, name="project"),
    path("projects/<int:pk>/roster/", v.roster_page, name="roster"),
    path("projects/<int:pk>/roster/<int:entry_id>/exit/", v.roster_exit, name="roster-exit"),
    path("projects/<int:pk>/import/<str:kind>/", v.import_page, name="import"),
    path("projects/<int:pk>/settlement/<str:step>/", v.project_step, name="project-step"),
    path("projects/<int:pk>/<str:part>/", v.project_edit_part, name="part"),
    path("staff/projects/", v.staff_projects, name="staff-projects"),
    path("staff/projects/<int:pk>/", v.staff_project, name="staff-project"),
    path("staff/projects/<int:pk>/open-case/", v.staff_open_case, name="staff-open-case"),
    path("staff/projects/<int:pk>/settlement/objections/<int:objection_id>/resolve/", v.staff_objection_resolve,
         name="staff-objection-resolve"),
    path("staff/projects/<int:pk>/settlement/<str:step>/", v.staff_project_step, name="staff-project-step"),
]
