"""Pages of integrity grading and the integrity file: staff under /staff/grading/ and /staff/employers/, the
enterprise's own grade at /my/grade/, the public list (only where turned on) at /integrity/grades/."""
from django.urls import path

from . import views_grading as v

urlpatterns = [
    path("staff/grading/", v.runs, name="grading-runs"),
    path("staff/grading/runs/<int:pk>/", v.run_detail, name="grading-run"),
    path("staff/grading/runs/<int:pk>/bulk/", v.run_bulk, name="grading-run-bulk"),
    path("staff/grading/runs/<int:pk>/close/", v.run_close, name="grading-run-close"),
    path("staff/grading/proposals/<int:pk>/", v.proposal_detail, name="grading-proposal"),
    path("staff/grading/proposals/<int:pk>/<str:step>/", v.proposal_step, name="grading-proposal-step"),
    path("staff/employers/", v.employer_search, name="employer-search"),
    path("staff/employers/<int:pk>/", v.employer_file, name="employer-file"),
    path("staff/employers/<int:pk>/accounts/", v.employer_account_link, name="employer-account-link"),
    path("staff/employers/<int:pk>/accounts/<int:link_id>/unlink/", v.employer_account_unlink,
         name="employer-account-unlink"),
    path("my/grade/", v.my_grade, name="my-grade"),
    path("integrity/grades/", v.public_grades, name="grades-public"),
]
