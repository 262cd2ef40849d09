"""Pages of the calendar package."""

from flask import Blueprint

bp = Blueprint("calendar", __name__)
