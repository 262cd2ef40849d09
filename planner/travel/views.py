"""Pages of the travel package."""

from flask import Blueprint

bp = Blueprint("travel", __name__)
