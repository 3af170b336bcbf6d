"""Account forms (Flask-WTF, so every POST carries a CSRF token)."""

from flask_wtf import FlaskForm
from marshmallow import ValidationError as SchemaError
from marshmallow import validate
from wtforms import EmailField, PasswordField
from wtforms.validators import InputRequired, Length, ValidationError

from ..schemas import EMAIL_MAX, PASSWORD_MAX, PASSWORD_MIN, text_problem

_is_email = validate.Email()


def _strip(value: str | None) -> str | None:
    return value.strip() if value else value


def storable(form, field) -> None:
    """Refuse what the database cannot store (NUL bytes, lone surrogates) as a field error."""
    problem = text_problem(field.data or "")
    if problem:
        raise ValidationError(problem)


def email_address(form, field) -> None:
    try:
        _is_email(field.data or "")
    except SchemaError as exc:
        raise ValidationError("Enter an email address like name@example.com.") from exc


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
    """The login form's email field, with a stricter password."""

    password = PasswordField(
        "Password",
        description=f"At least {PASSWORD_MIN} characters.",
        validators=[
            InputRequired("Choose a password."),
            Length(
                min=PASSWORD_MIN,
                max=PASSWORD_MAX,
                message=f"Use at least {PASSWORD_MIN} characters.",
            ),
            storable,
        ],
    )
