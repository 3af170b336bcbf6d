"""Account forms (Flask-WTF, so every POST carries a CSRF token)."""

from flask_wtf import FlaskForm
from marshmallow import ValidationError as SchemaError
from marshmallow import validate
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    widgets,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from ..credentials import normalize_email, password_problem
from ..schemas import (
    EMAIL_MAX,
    PASSWORD_MAX,
    PASSWORD_MIN,
    text_problem,
    validate_rate_limit,
    webhook_secret_problem,
)

_is_email = validate.Email()


def _strip(value: str | None) -> str | None:
    return value.strip() if value else value


def storable(form, field) -> None:
    """Refuse what the database cannot store (NUL bytes, lone surrogates) as a field error."""
    problem = text_problem(field.data or "")
    if problem:
        raise ValidationError(problem)


def email_address(form, field) -> None:
    """A well-formed address, judged (and kept) in the normalised form it is stored in."""
    normalized = normalize_email(field.data or "")
    if len(normalized) > EMAIL_MAX:
        raise ValidationError(f"Use at most {EMAIL_MAX} characters.")
    try:
        _is_email(normalized)
    except SchemaError as exc:
        raise ValidationError("Enter an email address like name@example.com.") from exc
    field.data = normalized


def hard_to_guess(form, field) -> None:
    """Refuse a password zxcvbn finds easy to guess, saying why (after the length check)."""
    if field.errors:
        return
    email = form.email.data if hasattr(form, "email") else getattr(form, "account_email", None)
    problem = password_problem(field.data or "", email=email)
    if problem:
        raise ValidationError(problem)


def _new_password_field(label: str) -> PasswordField:
    return PasswordField(
        label,
        description=f"At least {PASSWORD_MIN} characters, not a common or easily guessed one. "
        "A few unrelated words work well.",
        validators=[
            InputRequired("Choose a password."),
            Length(
                min=PASSWORD_MIN,
                max=PASSWORD_MAX,
                message=f"Use at least {PASSWORD_MIN} characters.",
            ),
            storable,
            hard_to_guess,
        ],
    )


def _current_password_field(label: str = "Current password") -> PasswordField:
    return PasswordField(
        label,
        validators=[
            InputRequired("Enter your current password."),
            Length(max=PASSWORD_MAX),
            storable,
        ],
    )


class LoginForm(FlaskForm):
    email = EmailField(
        "Email",
        filters=[_strip],
        validators=[
            InputRequired("Enter your email."),
            Length(max=EMAIL_MAX),
            storable,
            email_address,
        ],
    )
    password = PasswordField(
        "Password",
        validators=[InputRequired("Enter your password."), Length(max=PASSWORD_MAX), storable],
    )


class RegisterForm(LoginForm):
    """The login form's email field, with a password that must be hard to guess."""

    password = _new_password_field("Password")


# The account page's forms; each has its own prefix, so one page holds them all and a
# refused one shows its errors without touching the others.


class ChangeEmailForm(FlaskForm):
    email = EmailField(
        "New email",
        filters=[_strip],
        validators=[
            InputRequired("Enter the new email."),
            Length(max=EMAIL_MAX),
            storable,
            email_address,
        ],
    )
    password = _current_password_field()


class ChangePasswordForm(FlaskForm):
    current_password = _current_password_field()
    new_password = _new_password_field("New password")

    def __init__(self, *args, account_email: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.account_email = account_email  # a password made of the address is easy to guess


class SignOutEverywhereForm(FlaskForm):
    """Nothing to fill in: the CSRF token is the whole form."""


class DeleteAccountForm(FlaskForm):
    password = _current_password_field("Your password")


class StartOverForm(FlaskForm):
    confirm = BooleanField(
        "Yes, delete everything this browser saved as a guest",
        validators=[DataRequired("Tick the box to confirm.")],
    )


def rate_limit(form, field) -> None:
    """A limit as Flask-Limiter reads it ("60 per minute"), the API's own rule."""
    if not field.data:
        return
    try:
        validate_rate_limit(field.data)
    except SchemaError as exc:
        raise ValidationError(exc.messages[0]) from exc


class CheckboxesField(SelectMultipleField):
    """A group of checkboxes, one per choice."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


KEY_SCOPE_CHOICES = [
    SelectChoice("read", "Read: list, search, fetch and export"),
    SelectChoice("write", "Write: save, upload, import, favorite, restore"),
    SelectChoice("delete", "Delete: trash, prune and destroy"),
    SelectChoice("share", "Share: make, list and revoke public links"),
    SelectChoice("all", "All of these, and any added later"),
]
KEY_EXPIRY_CHOICES = [
    SelectChoice("", "Never"),
    SelectChoice("30", "After 30 days"),
    SelectChoice("90", "After 90 days"),
    SelectChoice("365", "After a year"),
]


class CreateApiKeyForm(FlaskForm):
    name = StringField(
        "Name",
        description="Say what will use it, e.g. “render worker”.",
        filters=[_strip],
        validators=[
            InputRequired("Name the key."),
            Length(max=100, message="Use at most 100 characters."),
            storable,
        ],
    )
    scopes = CheckboxesField(
        "What it may do",
        choices=KEY_SCOPE_CHOICES,
        validators=[DataRequired("Choose at least one.")],
    )
    expires = SelectField("Expires", choices=KEY_EXPIRY_CHOICES, default="")
    rate_limit = StringField(
        "Rate limit (optional)",
        description="Requests it may make, e.g. “60 per minute”; empty for no limit.",
        filters=[_strip],
        validators=[Optional(), Length(max=64, message="Use at most 64 characters."), rate_limit],
    )


class RevokeApiKeyForm(FlaskForm):
    """Nothing to fill in: the CSRF token is the whole form."""


def webhook_secret(form, field) -> None:
    """A pasted secret must be a Standard Webhooks one (whsec_ + base64), or nothing."""
    if field.data:
        problem = webhook_secret_problem(field.data)
        if problem:
            raise ValidationError(problem)


class IngestEndpointForm(FlaskForm):
    label = StringField(
        "Endpoint name",
        description="For you, e.g. “Replicate flux”; it also starts the endpoint's URL.",
        filters=[_strip],
        validators=[InputRequired("Name the endpoint."), Length(max=64), storable],
    )
    secret = StringField(
        "Signing secret (optional)",
        description="Replicate's webhook signing secret (whsec_…), from "
        "api.replicate.com/v1/webhooks/default/secret. Leave empty and mediaapp makes one.",
        filters=[_strip],
        validators=[Optional(), Length(max=200), storable, webhook_secret],
    )


class DeleteIngestEndpointForm(FlaskForm):
    """Nothing to fill in: the CSRF token is the whole form."""
