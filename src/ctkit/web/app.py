"""The FastAPI application: pages and the JSON API of every capability, behind one guard and one policy.

A capability adds itself in three steps (see docs/web.md): a module in ``routes/`` with ``router`` (pages) and
``api`` (JSON) whose routes depend on ``requires("<action>")``, its templates, and its actions and routes in
``matrix.yaml``; then it is listed in :data:`ROUTE_MODULES`.
"""

from __future__ import annotations

import importlib
from importlib import resources

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from ctkit import __version__
from ctkit.settings import Settings
from ctkit.store.accounts import ensure_tables
from ctkit.store.datastore import Store
from ctkit.store.totp import seal_legacy_secrets
from ctkit.web import errors
from ctkit.web.hardening import BodySizeLimit, SecurityHeaders
from ctkit.web.state import MAX_BODY_BYTES, WebState

# What the guard and the error handlers can answer on any JSON route; merged into each route's own responses.
API_ERRORS: dict[int | str, dict] = {
    401: {"description": "not signed in, or the session expired"},
    403: {"description": "not allowed, or CSRF token missing or wrong"},
    404: {"description": "no such resource in your scope"},
    413: {"description": "request body too large"},
    422: {"description": "invalid input; the message names the fields"},
}

# Each module exposes ``router`` (pages, not in the OpenAPI document) and ``api`` (JSON under /api/v1).
ROUTE_MODULES: list[str] = [
    "ctkit.web.routes.session",
    "ctkit.web.routes.cases",
    "ctkit.web.routes.audit",
    "ctkit.web.routes.admin",
    "ctkit.web.routes_analyse",
    "ctkit.web.routes_training",
    "ctkit.web.routes_estimate",
    "ctkit.web.routes_extract",
    "ctkit.web.routes_screening",
    "ctkit.web.routes_casework",
    "ctkit.web.routes_casework_api",
    "ctkit.web.routes_links",
    "ctkit.web.routes_perpetrators",
]


def create_app(settings: Settings, store: Store, *, max_body_bytes: int = MAX_BODY_BYTES) -> FastAPI:
    """Build the app on an open ``store``. The caller owns the store (and closes it).

    >>> app = create_app(load_settings(...), open_store(settings))  # doctest: +SKIP
    """
    app = FastAPI(
        title="ctkit", version=__version__, openapi_url="/api/v1/openapi.json",
        docs_url=None, redoc_url=None,  # Swagger UI and ReDoc load scripts from a CDN: not here
        description="JSON API of ctkit. Sign in with POST /api/v1/session; send the returned csrf_token as the "
                    "X-CSRF-Token header on every state-changing request.",
    )
    ensure_tables(store.engine)
    seal_legacy_secrets(store.engine, store.cipher)  # plaintext TOTP secrets of stores before migration 0005
    app.state.web = WebState(settings=settings, store=store, max_body_bytes=max_body_bytes)
    errors.install(app)
    for name in ROUTE_MODULES:
        module = importlib.import_module(name)
        app.include_router(module.router)
        app.include_router(module.api, responses=API_ERRORS)
    static_dir = str(resources.files("ctkit.web").joinpath("static"))
    app.mount("/static", StaticFiles(directory=static_dir), name="static")

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    app.add_middleware(BodySizeLimit, max_bytes=max_body_bytes)
    app.add_middleware(SecurityHeaders)
    return app


def app_from_env() -> FastAPI:
    """uvicorn factory for several worker processes: settings from ``CTKIT_*`` variables, store opened here.

    ``ctkit serve --workers N`` sets the variables and starts uvicorn with ``factory=True``.
    """
    from ctkit.settings import load_settings
    from ctkit.store.datastore import open_store

    settings = load_settings()
    return create_app(settings, open_store(settings))

