"""The one rule for an organizer's e-mail address, shared by the sign-in form, the team
invitation, the password reset and ``flask create-organizer``.

An address an account is created with must be one the sign-in form accepts; otherwise the
account exists but can never sign in (``…@probe.test`` used to be such an address).
"""

from email_validator import EmailNotValidError, validate_email
from wtforms.validators import ValidationError


def normalize_email(email: str) -> str:
    return email.strip().lower()


def is_organizer_address(email: str) -> bool:
    """True when the address is syntactically valid with a domain that can receive mail.

    Reserved and special-use domains (``.test``, ``.invalid``, ``localhost``) are refused,
    as the e-mail validator refuses them; deliverability (DNS) is not checked.
    """
    if not email or len(email) > 254:
        return False
    try:
        validate_email(email.strip(), check_deliverability=False, allow_smtputf8=True)
    except EmailNotValidError:
        return False
    return True


class OrganizerEmail:
    """WTForms validator: the address rule above (with WTForms' own translated message)."""

    def __call__(self, form, field) -> None:
        if field.data and not is_organizer_address(field.data):
            raise ValidationError(field.gettext("Invalid email address."))
