"""Fixtures of the organizations tests."""

import pytest


@pytest.fixture(autouse=True)
def request_context(app):
    """Services format lazy labels: give them a request to live in."""
    with app.test_request_context():
        yield
