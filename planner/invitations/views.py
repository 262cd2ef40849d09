"""Pages of the invitations package."""

from flask import Blueprint

bp = Blueprint("invitations", __name__)
