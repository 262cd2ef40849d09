"""WTForms' own error messages, in our catalogs for the languages WTForms has none for.

WTForms ships Russian and Kazakh; for Kyrgyz, Uzbek, Tajik and Azerbaijani its messages fall
back to ours (``planner.i18n.init_app`` chains the catalogs). Listed here to be extracted.
"""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext

FORM_MESSAGES = (
    _l("This field is required."),
    _l("Not a valid choice."),
    _l("Not a valid date value."),
    _l("Not a valid datetime value."),
    _l("Not a valid integer value."),
    _l("Invalid email address."),
    lazy_ngettext(
        "Field cannot be longer than %(max)d character.",
        "Field cannot be longer than %(max)d characters.",
        1,
    ),
)
