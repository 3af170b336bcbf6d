"""Account pages: register, log in, log out, and the account page (HTML forms over the
accounts service); every form works without JavaScript and answers a 303 when it succeeds."""

import uuid

from flask import flash, redirect, render_template, url_for

from .. import identity
from ..errors import Conflict, NotFound, Unauthorized
from ..limits import auth_limit
from ..services import accounts, ingest, keys, sessions
from . import bp
from .forms import (
    ChangeEmailForm,
    ChangePasswordForm,
    CreateApiKeyForm,
    DeleteAccountForm,
    DeleteIngestEndpointForm,
    IngestEndpointForm,
    LoginForm,
    RegisterForm,
    RevokeApiKeyForm,
    SignOutEverywhereForm,
    StartOverForm,
)


def form_page(template: str, form):
    """A form that was posted and came back is unprocessable: say so with 422."""
    return render_template(template, form=form), 422 if form.is_submitted() else 200


@bp.route("/register", methods=["GET", "POST"])
@auth_limit
def register():
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = accounts.register(
                form.email.data, form.password.data, guest_digest=identity.guest_digest()
            )
        except Conflict as exc:
            form.email.errors.append(exc.message)
        else:
            identity.log_in(user.id, user.email)
            flash("Your account is ready, and your history is saved to it.", "success")
            return redirect(url_for("gallery.index"), 303)
    return form_page("auth/register.html", form)


@bp.route("/login", methods=["GET", "POST"])
@auth_limit
def login():
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(
                form.email.data, form.password.data, guest_digest=identity.guest_digest()
            )
        except Unauthorized as exc:
            form.form_errors.append(exc.message)
        else:
            identity.log_in(user.id, user.email)
            flash("Welcome back.", "success")
            return redirect(url_for("gallery.index"), 303)
    return form_page("auth/login.html", form)


@bp.post("/logout")
def logout():
    """End the session (on the server too, so a copied cookie stops working); Clear-Site-Data
    drops the localStorage cache along with it."""
    if identity.signed_in():  # a guest's secret is all that finds their items: keep it
        identity.log_out(remember=True)
        flash("You are logged out. Your history stays in your account.", "info")
    return _signed_out_redirect("gallery.index")


# --- the account page: change email or password, sign out everywhere, delete; start over ---

# Clear-Site-Data: this browser's cached history goes with the session, and so do the
# owner's files its HTTP cache keeps privately (they are cached for a year, by their digest).
CLEARED = '"cache", "storage"'


def _signed_out_redirect(endpoint: str):
    response = redirect(url_for(endpoint), 303)
    response.headers["Clear-Site-Data"] = CLEARED
    return response


def _account_page(status: int = 200, new_key: tuple | None = None, **forms):
    """The account page: a signed-in account's forms and API keys (new_key: a key just made,
    (row, key), shown this once), or a guest's start over."""
    account = identity.signed_in()
    owner = identity.current_owner(mint=False)
    extra = {}
    if account:
        forms.setdefault("key_form", CreateApiKeyForm(prefix="key", formdata=None))
        forms.setdefault("revoke_key_form", RevokeApiKeyForm(prefix="revoke"))
        extra["api_keys"] = keys.list_keys(account.user_id)
        extra["new_key"] = new_key
        forms.setdefault("email_form", ChangeEmailForm(prefix="email", formdata=None))
        forms.setdefault(
            "password_form",
            ChangePasswordForm(prefix="password", formdata=None, account_email=account.email),
        )
        forms.setdefault("everywhere_form", SignOutEverywhereForm(prefix="everywhere"))
        forms.setdefault("delete_form", DeleteAccountForm(prefix="delete", formdata=None))
        forms.setdefault("ingest_form", IngestEndpointForm(prefix="ingest", formdata=None))
        forms.setdefault("ingest_delete_form", DeleteIngestEndpointForm(prefix="ingest-delete"))
        forms.setdefault("endpoints", ingest.list_endpoints(owner))
        summary = accounts.account_summary(owner)
    else:
        forms.setdefault("start_over_form", StartOverForm(prefix="start", formdata=None))
        summary = accounts.account_summary(owner)
    page = render_template("auth/account.html", account=account, summary=summary, **extra, **forms)
    headers = {"Cache-Control": "no-store"} if new_key else {}
    return page, status, headers


def _require_account():
    """The signed-in account; None sends the visitor to log in first."""
    account = identity.signed_in()
    if account is None:
        flash("Log in to manage your account.", "info")
    return account


@bp.get("/account")
def account():
    return _account_page()


@bp.post("/account/email")
@auth_limit
def change_email():
    account = _require_account()
    if account is None:
        return redirect(url_for("auth.login"), 303)
    form = ChangeEmailForm(prefix="email")
    if form.validate_on_submit():
        try:
            user = accounts.change_email(account.user_id, form.password.data, form.email.data)
        except Unauthorized as exc:
            form.password.errors.append(exc.message)
        except Conflict as exc:
            form.email.errors.append(exc.message)
        else:
            identity.remember_email(user.email)
            flash(f"Your email is now {user.email}.", "success")
            return redirect(url_for("auth.account"), 303)
    return _account_page(422, email_form=form)


@bp.post("/account/password")
@auth_limit
def change_password():
    account = _require_account()
    if account is None:
        return redirect(url_for("auth.login"), 303)
    form = ChangePasswordForm(prefix="password", account_email=account.email)
    if form.validate_on_submit():
        try:
            ended = accounts.change_password(
                account.user_id,
                form.current_password.data,
                form.new_password.data,
                keep_session=account.secret_digest,
            )
        except Unauthorized as exc:
            form.current_password.errors.append(exc.message)
        else:
            others = (
                "No other session was"
                if not ended
                else f"{ended} other " + ("session was" if ended == 1 else "sessions were")
            )
            flash(f"Your password is changed. {others} signed out; this one goes on.", "success")
            return redirect(url_for("auth.account"), 303)
    return _account_page(422, password_form=form)


@bp.post("/account/keys")
def create_api_key():
    """Make a key and show it on the account page, this once (never through a redirect: the
    key would have to wait in the cookie)."""
    account = _require_account()
    if account is None:
        return redirect(url_for("auth.login"), 303)
    form = CreateApiKeyForm(prefix="key")
    if not form.validate_on_submit():
        return _account_page(422, key_form=form)
    try:
        row, key = keys.create_key(
            account.user_id,
            name=form.name.data,
            scopes=form.scopes.data,
            expires_in_days=int(form.expires.data) if form.expires.data else None,
            rate_limit=form.rate_limit.data or None,
        )
    except Conflict as exc:  # too many keys
        form.name.errors.append(exc.message)
        return _account_page(422, key_form=form)
    return _account_page(201, new_key=(row, key))


@bp.post("/account/keys/<uuid:key_id>/revoke")
def revoke_api_key(key_id: uuid.UUID):
    account = _require_account()
    if account is None:
        return redirect(url_for("auth.login"), 303)
    form = RevokeApiKeyForm(prefix="revoke")
    if not form.validate_on_submit():
        return _account_page(422, revoke_key_form=form)
    row = keys.revoke_key(account.user_id, key_id)
    flash(f"The key “{row.name}” is revoked: it stops working at once.", "info")
    return redirect(url_for("auth.account", _anchor="keys-title"), 303)


@bp.post("/account/logout-everywhere")
def logout_everywhere():
    account = _require_account()
    if account is None:
        return redirect(url_for("auth.login"), 303)
    form = SignOutEverywhereForm(prefix="everywhere")
    if not form.validate_on_submit():
        return _account_page(422, everywhere_form=form)
    sessions.end_sessions(account.user_id)
    identity.forget()
    flash("You are signed out everywhere, this browser included.", "info")
    return _signed_out_redirect("auth.login")


@bp.post("/account/delete")
@auth_limit
def delete_account():
    account = _require_account()
    if account is None:
        return redirect(url_for("auth.login"), 303)
    form = DeleteAccountForm(prefix="delete")
    if form.validate_on_submit():
        try:
            accounts.delete_account(account.user_id, form.password.data)
        except Unauthorized as exc:
            form.password.errors.append(exc.message)
        else:
            identity.forget()
            flash("Your account and everything in it are deleted.", "info")
            return _signed_out_redirect("gallery.index")
    return _account_page(422, delete_form=form)


@bp.post("/account/start-over")
def start_over():
    if identity.signed_in():
        flash("Start over is for guests; log out first.", "info")
        return redirect(url_for("auth.account"), 303)
    form = StartOverForm(prefix="start")
    if not form.validate_on_submit():
        return _account_page(422, start_over_form=form)
    accounts.start_over(identity.current_owner(mint=False))
    identity.forget()
    flash("You are starting over: this browser's guest history is deleted.", "info")
    return _signed_out_redirect("gallery.index")


@bp.post("/account/ingest")
def create_ingest_endpoint():
    """Create a provider callback endpoint; the page that answers shows its secret this once
    (it is never stored where it could be shown again), so it is rendered, not redirected."""
    account = _require_account()
    if account is None:
        return redirect(url_for("auth.login"), 303)
    form = IngestEndpointForm(prefix="ingest")
    if not form.validate_on_submit():
        return _account_page(422, ingest_form=form)
    created = ingest.create_endpoint(
        identity.current_owner(), label=form.label.data, secret=form.secret.data or None
    )
    return _account_page(
        201,
        ingest_form=IngestEndpointForm(prefix="ingest", formdata=None),
        created_endpoint=created.endpoint,
        created_secret=created.secret,
    )


@bp.post("/account/ingest/<uuid:endpoint_id>/delete")
def delete_ingest_endpoint(endpoint_id):
    account = _require_account()
    if account is None:
        return redirect(url_for("auth.login"), 303)
    form = DeleteIngestEndpointForm(prefix="ingest-delete")
    if not form.validate_on_submit():
        return _account_page(422, ingest_delete_form=form)
    try:
        endpoint = ingest.delete_endpoint(identity.current_owner(), endpoint_id)
    except NotFound:
        flash("That endpoint was already deleted.", "info")
    else:
        flash(f"The endpoint “{endpoint.label}” is deleted; its callbacks are refused.", "info")
    return redirect(url_for("auth.account"), 303)
