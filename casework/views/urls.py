"""Page URLs. Public pages first (no account), then the staff area under /staff/."""
from django.contrib.auth import views as auth_views
from django.urls import path

from . import config_imports, dashboard, jobs, public, staff

urlpatterns = [
    path("", public.home, name="home"),
    # the guided complaint: step 1 is /complaint/, steps 2-5 /complaint/step/<n>/, then the review
    path("complaint/", public.intake_step, name="intake-start"),
    path("complaint/step/<int:step>/", public.intake_step, name="intake-step"),
    path("complaint/review/", public.intake_review, name="intake-review"),
    path("complaint/resume/<uuid:token>/", public.intake_resume, name="intake-resume"),
    path("complaint/receipt/", public.intake_receipt, name="intake-receipt"),
    path("complaint/discard/", public.intake_discard, name="intake-discard"),
    path("track/", public.track, name="track"),
    path("track/result/", public.track_result, name="track-result"),
    path("track/forget/", public.track_forget, name="track-forget"),
    # staff
    path("staff/login/", auth_views.LoginView.as_view(template_name="staff/login.html",
                                                      redirect_authenticated_user=True), name="staff-login"),
    path("staff/logout/", auth_views.LogoutView.as_view(), name="staff-logout"),
    path("staff/", staff.home, name="staff-home"),
    path("staff/tasks/<int:task_id>/", staff.task_detail, name="staff-task"),
    path("staff/tasks/<int:task_id>/take/", staff.task_take, name="staff-task-take"),
    path("staff/tasks/<int:task_id>/release/", staff.task_release, name="staff-task-release"),
    path("staff/cases/", staff.case_list, name="staff-cases"),
    path("staff/cases/<str:case_number>/", staff.case_detail, name="staff-case"),
    path("staff/evidence/<int:attachment_id>/", staff.evidence_download, name="staff-evidence"),
    path("staff/alerts/", staff.alerts, name="staff-alerts"),
    path("staff/dashboard/", dashboard.dashboard, name="staff-dashboard"),
    path("staff/jobs/", jobs.job_list, name="staff-jobs"),
    path("staff/jobs/<uuid:job_id>/", jobs.job_detail, name="staff-job"),
    path("staff/jobs/<uuid:job_id>/download/", jobs.job_download, name="staff-job-download"),
    path("staff/exports/<str:key>/<str:fmt>/", jobs.export, name="staff-export"),
    path("staff/config-imports/", config_imports.config_import, name="staff-config-import"),
    path("staff/config-imports/template/<str:table>.csv", config_imports.config_import_template,
         name="staff-config-import-template"),
]
