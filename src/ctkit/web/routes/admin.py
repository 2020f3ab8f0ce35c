"""Administration of users: list, create, unlock, reset password (no e-mail: an administrator does it)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from ctkit.errors import NotFoundError
from ctkit.store import accounts as acc
from ctkit.store.audit import AuditEvent, append
from ctkit.store.db import transaction
from ctkit.web.guard import Ctx, requires
from ctkit.web.pages import render
from ctkit.web.policy import OrgResource

router = APIRouter()
api = APIRouter(prefix="/api/v1/users", tags=["users"])
UserId = Annotated[str, Field(pattern=r"^[0-9a-fA-F-]{36}$")]
ERRORS = {401: {"description": "not signed in"}, 403: {"description": "not allowed"},
          404: {"description": "no such user in your organisation"}, 409: {"description": "username taken"},
          422: {"description": "invalid input"}}


class UserOut(BaseModel):
    id: str
    username: str
    role: str
    team_id: str | None
    locked: bool
    failed_logins: int


class NewUser(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9._]+$")
    role: str = Field(json_schema_extra={"enum": list(acc.ROLES)})
    password: str = Field(min_length=acc.MIN_PASSWORD_LENGTH, max_length=200)


class CreatedUser(UserOut):
    totp_secret: str = Field(description="shown once: enrol it in an authenticator app")


class NewPassword(BaseModel):
    model_config = ConfigDict(extra="forbid")
    password: str = Field(min_length=acc.MIN_PASSWORD_LENGTH, max_length=200)


def _out(user: acc.User) -> UserOut:
    return UserOut(id=user.id, username=user.username, role=user.role, team_id=user.team_id, locked=user.locked,
                   failed_logins=user.failed_logins)


def _audit(ctx: Ctx, session, reason: str, user_id: str) -> None:
    append(session, AuditEvent(action="user.manage", outcome="ok", reason=reason, actor_id=ctx.actor.user_id,
                               organisation_id=ctx.actor.organisation_id, resource_type="user",
                               resource_id=user_id))


def list_users(ctx: Ctx) -> list[acc.User]:
    ctx.authorize("user.manage", OrgResource(ctx.actor.organisation_id))
    with transaction(ctx.state.store.engine) as session:
        return acc.list_users(session, ctx.actor.organisation_id)


def create_user(ctx: Ctx, body: NewUser) -> tuple[acc.User, str]:
    ctx.authorize("user.manage", OrgResource(ctx.actor.organisation_id))
    with transaction(ctx.state.store.engine) as session:
        user, secret = acc.create_user(session, organisation_id=ctx.actor.organisation_id, username=body.username,
                                       role=body.role, password=body.password, cipher=ctx.state.store.cipher)
        _audit(ctx, session, "create", user.id)
    return user, secret


def _target(ctx: Ctx, session, user_id: str) -> acc.User:
    try:
        user = acc.get_user(session, user_id)
    except NotFoundError:
        raise NotFoundError("user not found") from None
    if user.organisation_id != ctx.actor.organisation_id:
        raise NotFoundError("user not found")
    return user


def unlock_user(ctx: Ctx, user_id: str) -> acc.User:
    ctx.authorize("user.manage", OrgResource(ctx.actor.organisation_id))
    with transaction(ctx.state.store.engine) as session:
        _target(ctx, session, user_id)
        acc.unlock(session, user_id)
        _audit(ctx, session, "unlock", user_id)
        return acc.get_user(session, user_id)


def reset_password(ctx: Ctx, user_id: str, password: str) -> acc.User:
    ctx.authorize("user.manage", OrgResource(ctx.actor.organisation_id))
    with transaction(ctx.state.store.engine) as session:
        _target(ctx, session, user_id)
        acc.set_password(session, user_id, password)
        _audit(ctx, session, "password_reset", user_id)
        return acc.get_user(session, user_id)


Manage = Annotated[Ctx, Depends(requires("user.manage"))]


@router.get("/admin/users", include_in_schema=False)
def users_page(ctx: Manage) -> Response:
    return render(ctx, "users.html", users=list_users(ctx), roles=acc.ROLES, created=None)


@router.post("/admin/users", include_in_schema=False)
def users_create_page(ctx: Manage, username: Annotated[str, Form(max_length=80)],
                      role: Annotated[str, Form(max_length=20)], password: Annotated[str, Form(max_length=200)]):
    user, secret = create_user(ctx, NewUser(username=username, role=role, password=password))
    return render(ctx, "users.html", users=list_users(ctx), roles=acc.ROLES, created=(user, secret))


@router.post("/admin/users/{user_id}/unlock", include_in_schema=False)
def unlock_page(ctx: Manage, user_id: str) -> Response:
    unlock_user(ctx, user_id)
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/users/{user_id}/password", include_in_schema=False)
def password_page(ctx: Manage, user_id: str, password: Annotated[str, Form(max_length=200)]) -> Response:
    reset_password(ctx, user_id, NewPassword(password=password).password)
    return RedirectResponse("/admin/users", status_code=303)


@api.get("", response_model=list[UserOut], responses=ERRORS)
def api_users(ctx: Manage) -> list[UserOut]:
    """Users of your organisation."""
    return [_out(u) for u in list_users(ctx)]


@api.post("", response_model=CreatedUser, status_code=201, responses=ERRORS)
def api_create_user(ctx: Manage, body: NewUser) -> CreatedUser:
    """Create a user; the TOTP secret is returned once."""
    user, secret = create_user(ctx, body)
    return CreatedUser(**_out(user).model_dump(), totp_secret=secret)


@api.post("/{user_id}/unlock", response_model=UserOut, responses=ERRORS)
def api_unlock(ctx: Manage, user_id: str) -> UserOut:
    """Unlock an account locked by failed sign-ins."""
    return _out(unlock_user(ctx, user_id))


@api.post("/{user_id}/password", response_model=UserOut, responses=ERRORS)
def api_password(ctx: Manage, user_id: str, body: NewPassword) -> UserOut:
    """Set a new password; the account is unlocked and all its sessions end."""
    return _out(reset_password(ctx, user_id, body.password))
