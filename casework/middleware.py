import uuid

from .audit import acting


class AuditContextMiddleware:
    """Opens an audit context per request: the acting user (if logged in) and a change id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        channel = "api" if request.path.startswith("/api/") else "web"
        request.request_id = request.headers.get("X-Request-ID") or str(uuid.uuid4())
        with acting(getattr(request, "user", None), channel=channel, request_id=request.request_id):
            response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        return response
