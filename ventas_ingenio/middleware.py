from django.conf import settings


class ContentSecurityPolicyMiddleware:
    """Send the strict Content-Security-Policy of settings.CSP on our own pages."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.CSP and not request.path.startswith("/admin/"):
            response.headers.setdefault("Content-Security-Policy", settings.CSP)
        return response
