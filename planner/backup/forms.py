"""Forms of the backup pages: download (re-authentication), restore (upload, confirm)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField
from wtforms.validators import DataRequired, Length

from planner.twofactor.reauth import ReauthForm


class DownloadForm(ReauthForm):
    pass


class RestoreUploadForm(ReauthForm):
    archive = FileField(
        _l("Backup file"),
        validators=[FileRequired(_l("Choose the backup file."))],
        description=_l(
            "A .backup file downloaded from this planner (or made by flask export-institute)."
        ),
    )


class RestoreConfirmForm(FlaskForm):
    reference = HiddenField(validators=[DataRequired(), Length(max=64)])
