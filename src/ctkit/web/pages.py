"""Rendering pages: every template gets the translator ``_``, the user, the CSRF token and the language."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse

from ctkit.web.guard import Ctx
from ctkit.web.i18n import LANGUAGES, normalise, translator

LANG_COOKIE = "ctkit_lang"  # language before sign-in; afterwards the user's stored choice wins


def render(ctx: Ctx, template: str, status_code: int = 200, **values) -> HTMLResponse:
    """Render ``template`` for a signed-in user."""
    context = {"_": ctx.gettext, "user": ctx.session.user, "csrf_token": ctx.session.csrf_token, "lang": ctx.lang,
               "languages": LANGUAGES, **values}
    return ctx.state.templates.TemplateResponse(ctx.request, template, context, status_code=status_code)


def render_public(request: Request, template: str, status_code: int = 200, **values) -> HTMLResponse:
    """Render ``template`` before sign-in (language from the cookie or the browser's preference)."""
    lang = normalise(request.cookies.get(LANG_COOKIE) or request.headers.get("accept-language", "")[:2])
    context = {"_": translator(lang), "user": None, "csrf_token": None, "lang": lang, "languages": LANGUAGES,
               **values}
    return request.app.state.web.templates.TemplateResponse(request, template, context, status_code=status_code)
