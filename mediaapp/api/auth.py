"""Account routes over JSON: register, log in, log out, me; each answers data = {user}."""

from flask import current_app, session

from .. import identity
from ..extensions import limiter
from ..schemas import CredentialsSchema, RegisterSchema, envelope, json_object
from ..services import accounts
from . import bp
from .contract import LoggedOutEnvelope, MeEnvelope, SignedInEnvelope, operation


def _auth_limit() -> str:
    return current_app.config["AUTH_RATE_LIMIT"]


auth_limit = limiter.limit(_auth_limit, methods=["POST"])


def _account(user) -> dict:
    """Every auth answer's data: {"user": {id, email}}, or {"user": null} for a guest."""
    return {"user": {"id": str(user.id), "email": user.email} if user else None}


@bp.post("/auth/register")
@operation(
    "Create an account, log in and adopt the guest's media.",
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
    creds = RegisterSchema().load(json_object())
    user = accounts.register(**creds, guest_digest=identity.guest_digest())
    identity.log_in(user.id, user.email)
    return envelope(_account(user), status=201)


@bp.post("/auth/login")
@operation(
    "Log in and adopt the guest's media.",
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
    creds = CredentialsSchema().load(json_object())
    user = accounts.authenticate(**creds, guest_digest=identity.guest_digest())
    identity.log_in(user.id, user.email)
    return envelope(_account(user))


@bp.post("/auth/logout")
@operation(
    "Log out; the next request is a fresh guest.",
    responses={200: ("Logged out: `data.user` is null.", LoggedOutEnvelope)},
    errors=(403,),
)
def logout():
    identity.log_out()
    return envelope(_account(None))


@bp.get("/auth/me")
@operation(
    "Who is logged in.",
    responses={200: ("`data.user` is the account, or null for a guest.", MeEnvelope)},
    errors=(503,),
)
def me():
    user_id = session.get(identity.USER_KEY)
    user = accounts.get_user(identity.parse_user_id(user_id)) if user_id else None
    if user_id and user is None:  # the account was deleted: this session is a guest again
        identity.log_out()
    return envelope(_account(user))
