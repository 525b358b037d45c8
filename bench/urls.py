from django.http import JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt
def bare(request):
    """The baseline: Django's full middleware stack and a JSON response, no database."""
    return JsonResponse({"ok": True, "method": request.method}, status=201 if request.method == "POST" else 200)


def bare_db(request):
    """The one-query baseline (bench/registry.py): one employer by primary key as JSON."""
    from casework.models import Employer

    row = Employer.objects.filter(pk=int(request.GET.get("id", "1"))).values("id", "name", "uscc").first()
    return JsonResponse({"employer": row})


urlpatterns = [path("bench/bare/", bare), path("bench/bare-db/", bare_db), path("", include("casework.urls"))]
