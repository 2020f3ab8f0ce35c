"""Sign-in (password, then TOTP), sign-out, language, the home page; and the same as JSON under ``/api/v1``."""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from ctkit.errors import CtkitError, ValidationError
from ctkit.store import accounts as acc
from ctkit.store.db import transaction
from ctkit.web import auth
from ctkit.web.guard import SESSION_COOKIE, Ctx, requires
from ctkit.web.i18n import LANGUAGES
from ctkit.web.pages import LANG_COOKIE, render, render_public

router = APIRouter()
api = APIRouter(prefix="/api/v1", tags=["session"])
LOGIN_CSRF_COOKIE = "ctkit_login_csrf"


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def set_session_cookie(request: Request, response: Response, token: str) -> None:
    settings = request.app.state.web.settings
    response.set_cookie(SESSION_COOKIE, token, httponly=True, secure=settings.secure_cookies, samesite="strict",
                        path="/", max_age=settings.session_absolute_hours * 3600)


def _login_form(request: Request, error: str | None = None, status: int = 200) -> Response:
    token = secrets.token_urlsafe(24)
    response = render_public(request, "login.html", status_code=status, error=error, login_csrf=token)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", path="/login",
                        secure=request.app.state.web.settings.secure_cookies)
    return response


@router.get("/login", include_in_schema=False)
def login_page(request: Request) -> Response:
    return _login_form(request)


@router.post("/login", include_in_schema=False)
def login_submit(request: Request, username: Annotated[str, Form(max_length=80)],
                 password: Annotated[str, Form(max_length=200)],
                 csrf_token: Annotated[str, Form(max_length=100)] = "") -> Response:
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not cookie or not hmac.compare_digest(cookie.encode(), csrf_token.encode()):
        return _login_form(request, "The form has expired; please try again.", 403)
    try:
        token, mfa_ok = auth.login(request.app.state.web.store, username, password, _client(request))
    except CtkitError as exc:
        return _login_form(request, exc.message, exc.http_status)
    response = RedirectResponse("/" if mfa_ok else "/login/totp", status_code=303)
    set_session_cookie(request, response, token)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.get("/login/totp", include_in_schema=False)
def totp_page(request: Request) -> Response:
    return render_public(request, "totp.html")


@router.post("/login/totp", include_in_schema=False)
def totp_submit(request: Request, code: Annotated[str, Form(max_length=10)]) -> Response:
    # No CSRF token yet (the session is half-open); SameSite=Strict keeps cross-site posts from carrying it.
    try:
        token = auth.complete_mfa(request.app.state.web.store, request.cookies.get(SESSION_COOKIE, ""),
                                  code, _client(request))
    except CtkitError as exc:
        return render_public(request, "totp.html", status_code=exc.http_status, error=exc.message)
    response = RedirectResponse("/", status_code=303)
    set_session_cookie(request, response, token)
    return response


@router.get("/", include_in_schema=False)
def home(ctx: Annotated[Ctx, Depends(requires("session.use"))]) -> Response:
    return render(ctx, "home.html")


def _clear(response: Response) -> Response:
    response.delete_cookie(SESSION_COOKIE, path="/")
    # Wipe what the browser kept of this origin: the back button must show nothing.
    response.headers["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    return response


@router.post("/logout", include_in_schema=False)
def logout(ctx: Annotated[Ctx, Depends(requires("session.use"))]) -> Response:
    auth.logout(ctx.state.store.engine, ctx.session)
    return _clear(RedirectResponse("/login", status_code=303))


@router.post("/language", include_in_schema=False)
def language(ctx: Annotated[Ctx, Depends(requires("session.use"))],
             lang: Annotated[str, Form(max_length=8)]) -> Response:
    if lang not in LANGUAGES:
        raise ValidationError(f"lang: must be one of {', '.join(LANGUAGES)}")
    with transaction(ctx.state.store.engine) as session:
        acc.set_language(session, ctx.actor.user_id, lang)
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(LANG_COOKIE, lang, httponly=True, samesite="strict", path="/")
    return response


# -- JSON API --------------------------------------------------------------------------------------------------


class LoginRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=1, max_length=80)
    password: str = Field(min_length=1, max_length=200)
    totp: str | None = Field(default=None, pattern=r"^[0-9]{6}$")


class SessionOut(BaseModel):
    user_id: str
    role: str
    organisation_id: str
    language: str
    csrf_token: str = Field(description="send as the X-CSRF-Token header on every state-changing request")


@api.post("/session", response_model=SessionOut, status_code=201,
          responses={401: {"description": "wrong credentials"}, 403: {"description": "locked"},
                     422: {"description": "invalid input"}, 429: {"description": "throttled"}})
def api_login(request: Request, body: LoginRequest, response: Response) -> SessionOut:
    """Sign in with username, password and (for roles that see personal data) the current TOTP code."""
    store = request.app.state.web.store
    token, mfa_ok = auth.login(store, body.username, body.password, _client(request), code=body.totp)
    if not mfa_ok:
        raise auth.AuthenticationError("this role needs the 'totp' code", hint="add the 6-digit code and retry")
    info = auth.load_session(store.engine, token, **request.app.state.web.session_limits)
    set_session_cookie(request, response, token)
    return SessionOut(user_id=info.user.id, role=info.user.role, organisation_id=info.user.organisation_id,
                      language=info.user.language, csrf_token=info.csrf_token)


@api.get("/me", response_model=SessionOut, responses={401: {"description": "not signed in"}})
def api_me(ctx: Annotated[Ctx, Depends(requires("session.use"))]) -> SessionOut:
    """Who is signed in."""
    u = ctx.session.user
    return SessionOut(user_id=u.id, role=u.role, organisation_id=u.organisation_id, language=u.language,
                      csrf_token=ctx.session.csrf_token)


@api.delete("/session", status_code=204, responses={401: {"description": "not signed in"},
                                                    403: {"description": "CSRF token missing or wrong"}})
def api_logout(ctx: Annotated[Ctx, Depends(requires("session.use"))]) -> Response:
    """Sign out: the session is deleted server-side."""
    auth.logout(ctx.state.store.engine, ctx.session)
    return _clear(Response(status_code=204))
