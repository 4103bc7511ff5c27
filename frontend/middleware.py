"""A plain 404 page in every mode.

In debug mode Django answers a 404 with its technical page, which lists every URL pattern of the
site and names the view that raised: a map of the staff console for anyone who asks for a missing
page. This middleware answers with the same plain page as production (`frontend.views.not_found`,
the `handler404`) instead.
"""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse

from .views import not_found


class PlainNotFoundMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # No URL matched: in debug mode the response is the technical page.
        if settings.DEBUG and response.status_code == 404 and request.resolver_match is None:
            return not_found(request, None)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception):
        # A view raised Http404 (after the access-denied audit, which runs first).
        if settings.DEBUG and isinstance(exception, Http404):
            return not_found(request, exception)
        return None
