"""Pages of the agenda package."""

from flask import Blueprint

bp = Blueprint("agenda", __name__)
