"""Error answers for the whole site: JSON under /api/, pages elsewhere.

Django answers some errors before a view runs (an over-large body, a path that
matches nothing, a failed CSRF check, an account lock-out); API clients get
those as JSON with the right status too.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views import defaults


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if isinstance(exception, RequestDataTooBig):
        if _is_api(request):
            return JsonResponse({"detail": "Request body too large."}, status=413)
        return HttpResponse("Request body too large.", status=413)
    if _is_api(request):
        return JsonResponse({"detail": "Bad request."}, status=400)
    return defaults.bad_request(request, exception)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": "Server error."}, status=500)
    return defaults.server_error(request)


def locked_out(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """Answer for an account locked after repeated failed sign-ins (django-axes)."""
    if _is_api(request):
        return JsonResponse(
            {
                "non_field_errors": [
                    "Too many failed attempts; try again in 15 minutes."
                ]
            },
            status=429,
            headers={"Retry-After": "900"},
        )
    return render(request, "accounts/locked_out.html", status=429)
