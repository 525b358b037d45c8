from django.conf import settings


def site(request):
    return {"HOTLINE": "12333", "DEBUG": settings.DEBUG}
