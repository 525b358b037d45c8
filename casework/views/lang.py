"""Language from a shared link: ``?lang=bo``, ``?lang=zh-hans`` or ``?lang=en``.

A hotline operator or a workers' group sends a link such as ``https://…/complaint/?lang=bo``; whoever opens it sees
the page in that language, and the choice sticks (the language cookie is set, exactly as the language switcher's
POST to /i18n/setlang/ does). Register it in settings.MIDDLEWARE right after
``django.middleware.locale.LocaleMiddleware``.

Only languages listed in settings.LANGUAGES *and* with a compiled catalog are honoured (the same test Django's
set_language view applies): until the Tibetan catalog exists, ``?lang=bo`` keeps the default language, so the page
never claims ``lang="bo"`` while showing Chinese text.
"""
from django.conf import settings
from django.utils import translation
from django.utils.translation import check_for_language

__all__ = ["QueryLanguageMiddleware", "language_from_query", "available_languages"]


def available_languages() -> list[tuple[str, str]]:
    """(code, name) of the languages the switcher offers: configured and translated."""
    return [(code, name) for code, name in settings.LANGUAGES if check_for_language(code)]


def language_from_query(request) -> str | None:
    raw = (request.GET.get("lang") or "").strip().lower().replace("_", "-")
    if not raw:
        return None
    codes = {code.lower(): code for code, _name in settings.LANGUAGES}
    code = codes.get(raw)
    if code is None or not check_for_language(code):
        return None
    return code


class QueryLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        code = language_from_query(request)
        if code:
            translation.activate(code)
            request.LANGUAGE_CODE = code
        response = self.get_response(request)
        if code:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME, code, max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH, domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE, httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE)
        return response
