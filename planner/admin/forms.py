"""Forms of the administration page."""

from planner.twofactor.reauth import ReauthForm


class RotateForm(ReauthForm):
    """Re-encrypt everything under the newest key: the password (and code) again."""
