from django.http import JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt
def bare(request):
    """The baseline: Django's full middleware stack and a JSON response, no database."""
    return JsonResponse({"ok": True, "method": request.method}, status=201 if request.method == "POST" else 200)


urlpatterns = [path("bench/bare/", bare), path("", include("casework.urls"))]
