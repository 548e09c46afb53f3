"""API-wide pieces: pagination and one JSON error shape.

Every error answers ``{"error": {"code": ..., "message": ..., "details": ...}}`` so the
mobile apps handle failures in one place.
"""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 100


def _message(detail: Any) -> str:
    if isinstance(detail, list) and detail:
        return _message(detail[0])
    if isinstance(detail, dict) and detail:
        field, value = next(iter(detail.items()))
        text = _message(value)
        return text if field in ("non_field_errors", "detail") else f"{field}: {text}"
    return str(detail)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.APIException):
        code = exc.get_codes() if not isinstance(exc, exceptions.ValidationError) else "invalid"
        code = code if isinstance(code, str) else "invalid"
        detail = exc.detail
    else:  # Http404 / PermissionDenied converted by DRF
        code = "not_found" if response.status_code == status.HTTP_404_NOT_FOUND else "error"
        detail = response.data.get("detail", response.data) if response.data else ""
    body: dict[str, Any] = {"code": code, "message": _message(detail)}
    if isinstance(detail, dict | list) and isinstance(exc, exceptions.ValidationError):
        body["details"] = detail
    response.data = {"error": body}
    return response
