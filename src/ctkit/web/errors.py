"""Errors to HTTP responses, in one place: ctkit's exception hierarchy, validation errors and the unexpected.

The API (paths under ``/api/``) answers JSON ``{"error", "message", "hint"}``; pages answer a small HTML page, or
a redirect to the sign-in page when the session is missing. Nothing echoes input values, and an unexpected error
becomes a 500 with an incident id: the stack trace goes to the server log, never to the client.
"""

from __future__ import annotations

import logging
import uuid

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import ValidationError as PydanticValidationError
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException

from ctkit.errors import AuthenticationError, CtkitError, http_status_for
from ctkit.model import describe_validation_error
from ctkit.web.i18n import translator

log = logging.getLogger("ctkit.web")

_STATUS_CODES = {400: "bad_request", 401: "not_authenticated", 403: "forbidden", 404: "not_found",
                 405: "method_not_allowed", 409: "conflict", 413: "too_large", 415: "unsupported_media_type",
                 422: "invalid_input", 429: "too_many_requests", 500: "internal_error",
                 503: "unavailable"}


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def error_response(request: Request, status: int, message: str, hint: str | None = None) -> Response:
    """The one error response shape: JSON for the API, an HTML page otherwise."""
    code = _STATUS_CODES.get(status, "error")
    if is_api(request):
        return JSONResponse({"error": code, "message": message, "hint": hint}, status_code=status)
    state = request.app.state.web
    lang = request.cookies.get("ctkit_lang")
    return state.templates.TemplateResponse(
        request, "error.html", {"status": status, "message": message, "hint": hint, "_": translator(lang),
                                "user": None, "csrf_token": None, "lang": lang},
        status_code=status)


def _ctkit_error(request: Request, exc: CtkitError) -> Response:
    from ctkit.web.guard import SecondFactorRequired

    if not is_api(request) and isinstance(exc, AuthenticationError) and request.method in ("GET", "HEAD"):
        target = "/login/totp" if isinstance(exc, SecondFactorRequired) else "/login"
        return RedirectResponse(target, status_code=303)
    status = http_status_for(exc)
    if status >= 500:
        return _unexpected(request, exc)
    response = error_response(request, status, exc.message, exc.hint)
    if status == 401 and is_api(request):
        response.headers["WWW-Authenticate"] = 'Cookie realm="ctkit"'
    return response


def _validation_error(request: Request, exc: RequestValidationError) -> Response:
    # Name where the problem is, never what was sent (it may be personal data).
    parts = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "form"))
        parts.append(f"{loc or 'request'}: {err.get('msg', 'invalid')}")
    return error_response(request, 422, "; ".join(parts) or "invalid request", "correct the named fields")


def _model_error(request: Request, exc: PydanticValidationError) -> Response:
    return error_response(request, 422, describe_validation_error(exc), "correct the named fields")


def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
    message = {404: "no such page", 405: "this method is not allowed here"}.get(exc.status_code, "request refused")
    return error_response(request, exc.status_code, message)


def _unexpected(request: Request, exc: Exception) -> Response:
    incident = uuid.uuid4().hex[:12]
    log.error("unexpected error, incident %s, %s %s", incident, request.method, request.scope.get("route_path", ""),
              exc_info=exc)
    return error_response(request, 500, f"an internal error occurred (incident {incident})",
                          "nothing was saved; tell an administrator the incident number")


def _database_error(request: Request, exc: DBAPIError) -> Response:
    # A connection lost mid-request (database restarted): the pool has dropped the dead connections, so a retry
    # gets a fresh one. Anything else from the driver is unexpected.
    if not exc.connection_invalidated:
        return _unexpected(request, exc)
    log.warning("database connection lost during %s %s", request.method, request.scope.get("route_path", ""))
    return error_response(request, 503, "the connection to the database was lost",
                          "reload to see whether the change was saved, then try again")


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""
    app.add_exception_handler(CtkitError, _ctkit_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(PydanticValidationError, _model_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(DBAPIError, _database_error)
    app.add_exception_handler(Exception, _unexpected)
