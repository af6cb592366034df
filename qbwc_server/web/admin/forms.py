"""The admin pages' forms (Flask-WTF: each carries the hidden ``csrf_token`` field)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Length


class LoginForm(FlaskForm):  # type: ignore[misc]
    email = StringField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])
    next = HiddenField()


class PasswordForm(FlaskForm):  # type: ignore[misc]
    current = PasswordField("Current password", validators=[DataRequired()])
    new = PasswordField("New password", validators=[DataRequired()])
    repeat = PasswordField("New password again", validators=[DataRequired()])


class ActionForm(FlaskForm):  # type: ignore[misc]
    """A button that changes something: only the CSRF token."""


class NewCompanyForm(FlaskForm):  # type: ignore[misc]
    name = StringField("Company name", validators=[DataRequired(), Length(max=200)])
    primary_admin = BooleanField("Make me the primary admin")


class InviteForm(FlaskForm):  # type: ignore[misc]
    email = StringField("Accountant's email", validators=[DataRequired(), Length(max=254)])
    name = StringField("Accountant's name", validators=[DataRequired(), Length(max=200)])


class ConfirmDeleteForm(FlaskForm):  # type: ignore[misc]
    typed = StringField("Type delete to confirm", validators=[DataRequired(), Length(max=40)])


class RegenerateForm(FlaskForm):  # type: ignore[misc]
    confirm = BooleanField("The Web Connector stops syncing until the new password is typed in")


class ApprovalForm(FlaskForm):  # type: ignore[misc]
    date_from = StringField("From", validators=[DataRequired()])
    date_to = StringField("To", validators=[DataRequired()])


__all__ = [
    "ActionForm",
    "ApprovalForm",
    "ConfirmDeleteForm",
    "InviteForm",
    "LoginForm",
    "NewCompanyForm",
    "PasswordForm",
    "RegenerateForm",
]
