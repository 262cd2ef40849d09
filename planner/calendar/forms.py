"""Forms of the calendar package: only buttons, but every POST carries its CSRF token."""

from flask_wtf import FlaskForm
from wtforms import HiddenField


class FeedLinkForm(FlaskForm):
    """Issue, renew or revoke a feed link; ``next`` returns to the page of the button."""

    next = HiddenField()
