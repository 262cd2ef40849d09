"""Forms of the documents package: the institute's letter settings with its two images."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, EmailField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp, ValidationError

from planner.documents.services import ImageRejected, check_image


def _image_validator(form, field):
    """A real PNG or JPEG of at most 1 MB; the file is read once and kept as bytes."""
    upload = field.data
    field.content = None
    if upload is None or not getattr(upload, "filename", ""):
        return
    content = upload.read(1024 * 1024 + 1)
    try:
        check_image(content)
    except ImageRejected as error:
        raise ValidationError(str(error)) from error
    field.content = content


def _text(label, max_length=300, required=False, description=None):
    validators = [DataRequired() if required else Optional(), Length(max=max_length)]
    return StringField(label, validators=validators, description=description)


def _area(label, max_length=2000, description=None):
    return TextAreaField(
        label, validators=[Optional(), Length(max=max_length)], description=description
    )


RU_HINT = _l("In Russian; left empty, the English text is used.")


class LetterSettingsForm(FlaskForm):
    legal_name = _text(_l("Host organization, legal name"), required=True)
    legal_name_ru = _text(_l("Legal name in Russian"), description=RU_HINT)
    address = _area(_l("Legal address"), 1000)
    address_ru = _area(_l("Legal address in Russian"), 1000, description=RU_HINT)
    registration = _area(
        _l("Registration details"),
        1000,
        description=_l("Registry, registration number, tax number, as on official papers."),
    )
    registration_ru = _area(_l("Registration details in Russian"), 1000, description=RU_HINT)
    phone = _text(_l("Phone"), 50)
    email = EmailField(_l("E-mail"), validators=[Optional(), Email(), Length(max=254)])
    signatory_name = _text(_l("Signatory's name"), 200, required=True)
    signatory_name_ru = _text(_l("Signatory's name in Russian"), 200, description=RU_HINT)
    signatory_title = _text(_l("Signatory's position"), 200, required=True)
    signatory_title_ru = _text(_l("Signatory's position in Russian"), 200, description=RU_HINT)
    signing_city = _text(_l("City of signing"), 120, required=True)
    signing_city_ru = _text(_l("City of signing in Russian"), 120, description=RU_HINT)
    embassy_of = _text(
        _l("The host country after “Embassy of”"),
        200,
        description=_l("For example: the Republic of Kazakhstan."),
    )
    embassy_of_ru = _text(
        _l("The host country after «Посольства»"),
        200,
        description=_l("In the genitive case, for example: Республики Казахстан."),
    )
    reference_prefix = StringField(
        _l("Reference number prefix"),
        validators=[
            Optional(),
            Length(max=30),
            Regexp(r"^[A-Za-z0-9./-]+$", message=_l("Latin letters, digits, '.', '/' and '-'.")),
        ],
        description=_l("Letters are numbered PREFIX/YEAR/NUMBER."),
    )
    purpose = _area(
        _l("Purpose of the visit"),
        description=_l("Left empty, the letter names the institute, its venue and its dates."),
    )
    purpose_ru = _area(_l("Purpose of the visit in Russian"), description=RU_HINT)
    costs = _area(
        _l("Costs covered by the host"),
        description=_l("For example: travel, accommodation and meals are covered by the host."),
    )
    costs_ru = _area(_l("Costs covered by the host, in Russian"), description=RU_HINT)
    logo = FileField(
        _l("Logo"),
        validators=[_image_validator],
        description=_l("PNG or JPEG, at most 1 MB. Printed at the top of the letter."),
    )
    remove_logo = BooleanField(_l("Remove the logo"))
    signature = FileField(
        _l("Signature"),
        validators=[_image_validator],
        description=_l("PNG or JPEG, at most 1 MB. A scan of the signature (and stamp)."),
    )
    remove_signature = BooleanField(_l("Remove the signature"))

    TEXT_FIELDS = (
        "legal_name",
        "legal_name_ru",
        "address",
        "address_ru",
        "registration",
        "registration_ru",
        "phone",
        "email",
        "signatory_name",
        "signatory_name_ru",
        "signatory_title",
        "signatory_title_ru",
        "signing_city",
        "signing_city_ru",
        "embassy_of",
        "embassy_of_ru",
        "reference_prefix",
        "purpose",
        "purpose_ru",
        "costs",
        "costs_ru",
    )


class SendLetterForm(FlaskForm):
    """A button that POSTs: CSRF only."""
