"""Pages of the documents package."""

from flask import Blueprint

bp = Blueprint("documents", __name__)
