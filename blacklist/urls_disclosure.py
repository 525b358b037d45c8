"""Pages of the disclosure of major violations: public under /disclosures/, staff under /staff/disclosures/."""
from django.urls import path

from . import views_disclosure as v

urlpatterns = [
    path("disclosures/", v.public_list, name="disclosures"),
    path("disclosures/<int:pk>/", v.public_detail, name="disclosure-detail"),
    path("staff/disclosures/", v.staff_queue, name="disclosure-staff"),
    path("staff/disclosures/queue/", v.staff_queue_add, name="disclosure-staff-queue"),
    path("staff/disclosures/adhoc/", v.staff_adhoc, name="disclosure-staff-adhoc"),
    path("staff/disclosures/batches/<int:pk>/", v.staff_batch, name="disclosure-staff-batch"),
    path("staff/disclosures/batches/<int:pk>/<str:action>/", v.staff_batch_action,
         name="disclosure-staff-batch-action"),
    path("staff/disclosures/<int:pk>/", v.staff_disclosure, name="disclosure-staff-detail"),
    path("staff/disclosures/<int:pk>/<str:step>/", v.staff_step, name="disclosure-staff-step"),
]
