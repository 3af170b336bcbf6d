"""Account routes over JSON: register, log in, log out (here or everywhere), me, and managing
the account: its email, its password, deleting it; a guest's start over. Every answer's data
holds `user` (the account, or null).
"""

from dataclasses import asdict

from .. import identity
from ..errors import Unauthorized
from ..limits import auth_limit
from ..schemas import (
    ChangeEmailSchema,
    ChangePasswordSchema,
    CredentialsSchema,
    DeleteAccountSchema,
    RegisterSchema,
    envelope,
    json_object,
)
from ..services import accounts, sessions
from . import acting_key, bp
from .contract import (
    READ,
    SESSION,
    LoggedOutEnvelope,
    MeEnvelope,
    PasswordChangedEnvelope,
    RemovedEnvelope,
    SignedInEnvelope,
    SignedOutEverywhereEnvelope,
    operation,
)


def _answer(user_id=None, email: str | None = None) -> dict:
    """Every auth answer's data: {"user": {id, email}}, or {"user": null} without an account."""
    return {"user": {"id": str(user_id), "email": email} if user_id else None}


NOT_SIGNED_IN = (401, "Not logged in, or the session has ended (code not_signed_in).")
WRONG_PASSWORD = (
    401,
    "Not logged in (code not_signed_in), or the password is not the account's "
    "(code wrong_password).",
)


def _account() -> sessions.SignedIn:
    """The signed-in account, or 401: these routes act on an account, never on a guest.

    Called after the body is parsed, so bad input answers 400 whoever sends it.
    """
    account = identity.signed_in()
    if account is None:
        raise Unauthorized("Log in to manage your account.", code="not_signed_in")
    return account


@bp.post("/auth/register")
@operation(
    "Create an account, log in and adopt the guest's media.",
    scope=SESSION,
    body=RegisterSchema,
    responses={201: ("Registered and logged in: `data.user` is the account.", SignedInEnvelope)},
    errors=(
        400,
        403,
        (409, "An account with that email exists (code email_taken)."),
        413,
        415,
        429,
        503,
    ),
)
@auth_limit
def register():
    creds = RegisterSchema.once().load(json_object())
    user = accounts.register(**creds, guest_digest=identity.guest_digest())
    identity.log_in(user.id, user.email)
    return envelope(_answer(user.id, user.email), status=201)


@bp.post("/auth/login")
@operation(
    "Log in and adopt the guest's media.",
    scope=SESSION,
    body=CredentialsSchema,
    responses={200: ("Logged in: `data.user` is the account.", SignedInEnvelope)},
    errors=(
        400,
        (401, "Wrong email or password (code invalid_credentials)."),
        403,
        413,
        415,
        429,
        503,
    ),
)
@auth_limit
def login():
    creds = CredentialsSchema.once().load(json_object())
    user = accounts.authenticate(**creds, guest_digest=identity.guest_digest())
    identity.log_in(user.id, user.email)
    return envelope(_answer(user.id, user.email))


@bp.post("/auth/logout")
@operation(
    "Log out; the next request is a fresh guest.",
    scope=SESSION,
    description="The session ends on the server, so a copy of the cookie stops working too.",
    responses={200: ("Logged out: `data.user` is null.", LoggedOutEnvelope)},
    errors=(403, 503),
)
def logout():
    identity.log_out()
    return envelope(_answer(None))


@bp.post("/auth/logout-everywhere")
@operation(
    "End every session of the account, this one included.",
    scope=SESSION,
    responses={200: ("Signed out everywhere.", SignedOutEverywhereEnvelope)},
    errors=(NOT_SIGNED_IN, 403, 503),
)
def logout_everywhere():
    account = _account()
    ended = sessions.end_sessions(account.user_id)
    identity.forget()
    return envelope({"user": None, "endedSessions": ended})


@bp.get("/auth/me")
@operation(
    "Who is logged in.",
    scope=READ,
    responses={200: ("`data.user` is the account, or null for a guest.", MeEnvelope)},
    errors=(503,),
)
def me():
    api_key = acting_key()
    if api_key is not None:  # a backend checking whose key it holds
        answer = _answer(api_key.owner_id, api_key.email)
        return envelope({**answer, "cacheKey": identity.cache_key(api_key.owner_id, None)})
    account = identity.signed_in()
    key = identity.cache_key(account.user_id if account else None, identity.guest_digest())
    answer = _answer(account and account.user_id, account and account.email)
    return envelope({**answer, "cacheKey": key})


@bp.post("/auth/email")
@operation(
    "Change the account's email, confirmed by its password.",
    scope=SESSION,
    body=ChangeEmailSchema,
    responses={200: ("The account with its new address.", SignedInEnvelope)},
    errors=(
        400,
        WRONG_PASSWORD,
        403,
        (409, "Another account has that address or a look-alike of it (code email_taken)."),
        413,
        415,
        429,
        503,
    ),
)
@auth_limit
def change_email():
    change = ChangeEmailSchema.once().load(json_object())
    account = _account()
    user = accounts.change_email(account.user_id, change["password"], change["email"])
    identity.remember_email(user.email)
    return envelope(_answer(user.id, user.email))


@bp.post("/auth/password")
@operation(
    "Change the password, confirmed by the current one; every other session ends.",
    scope=SESSION,
    body=ChangePasswordSchema,
    responses={200: ("Changed; this session goes on.", PasswordChangedEnvelope)},
    errors=(400, WRONG_PASSWORD, 403, 413, 415, 429, 503),
)
@auth_limit
def change_password():
    account = identity.signed_in()
    change = ChangePasswordSchema(email=account and account.email).load(json_object())
    account = _account()
    ended = accounts.change_password(
        account.user_id,
        change["current_password"],
        change["new_password"],
        keep_session=account.secret_digest,
    )
    return envelope({**_answer(account.user_id, account.email), "endedSessions": ended})


@bp.delete("/auth/account")
@operation(
    "Delete the account and everything it owns, confirmed by its password.",
    scope=SESSION,
    description="Its media (the trash included), share links, queued jobs and sessions go, "
    "then the stored files that no other owner holds. It cannot be undone.",
    body=DeleteAccountSchema,
    responses={200: ("Deleted; the next request is a fresh guest.", RemovedEnvelope)},
    errors=(400, WRONG_PASSWORD, 403, 413, 415, 429, 503),
)
@auth_limit
def delete_account():
    confirm = DeleteAccountSchema.once().load(json_object())
    account = _account()
    removed = accounts.delete_account(account.user_id, confirm["password"])
    identity.forget()
    return envelope({**_answer(None), **asdict(removed)})


@bp.post("/auth/start-over")
@operation(
    "As a guest, forget this identity and delete everything it saved.",
    scope=SESSION,
    description="Its media (the trash included), share links and stored files go; the next "
    "request is a fresh guest. Nothing of a forgotten guest could be reached again.",
    responses={200: ("Forgotten; the next request is a fresh guest.", RemovedEnvelope)},
    errors=(403, (409, "Logged in: start over is for guests (code signed_in)."), 503),
)
def start_over():
    removed = accounts.start_over(identity.current_owner(mint=False))
    identity.forget()
    return envelope({**_answer(None), **asdict(removed)})
