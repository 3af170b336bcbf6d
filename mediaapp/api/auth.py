"""Account routes over JSON: register, log in, log out, me."""

from flask import session

from .. import identity
from ..limits import auth_limit
from ..schemas import CredentialsSchema, RegisterSchema, envelope, json_object
from ..services import accounts
from . import bp
from .contract import LoggedOutEnvelope, MeEnvelope, UserEnvelope, operation


def _user_data(user) -> dict:
    return {"id": str(user.id), "email": user.email}


@bp.post("/auth/register")
@operation(
    "Create an account, log in and adopt the guest's media.",
    body=RegisterSchema,
    responses={201: ("Registered and logged in.", UserEnvelope)},
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
    return envelope(_user_data(user), status=201)


@bp.post("/auth/login")
@operation(
    "Log in and adopt the guest's media.",
    body=CredentialsSchema,
    responses={200: ("Logged in.", UserEnvelope)},
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
    return envelope(_user_data(user))


@bp.post("/auth/logout")
@operation(
    "Log out; the next request is a fresh guest.",
    responses={200: ("Logged out.", LoggedOutEnvelope)},
    errors=(403,),
)
def logout():
    identity.log_out()
    return envelope({"user": None})


@bp.get("/auth/me")
@operation(
    "Who is logged in.",
    responses={200: ("The user, or null for a guest.", MeEnvelope)},
    errors=(503,),
)
def me():
    user_id = session.get(identity.USER_KEY)
    user = accounts.get_user(identity.parse_user_id(user_id)) if user_id else None
    if user_id and user is None:  # the account was deleted: this session is a guest again
        identity.log_out()
    return envelope({"user": _user_data(user) if user else None})
