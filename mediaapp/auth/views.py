"""Account pages: register, log in, log out (HTML forms over the accounts service)."""

from flask import flash, redirect, render_template, url_for

from .. import identity
from ..errors import Conflict, Unauthorized
from ..limits import auth_limit
from ..services import accounts
from . import bp
from .forms import LoginForm, RegisterForm


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
    """Forget the user; Clear-Site-Data drops the localStorage cache along with the session."""
    if not identity.current_owner().is_guest:  # a guest's secret is all that finds their items
        identity.log_out(remember=True)
        flash("You are logged out. Your history stays in your account.", "info")
    response = redirect(url_for("gallery.index"), 303)
    response.headers["Clear-Site-Data"] = '"storage"'
    return response
