"""Fixtures of the reports tests."""

import pytest


@pytest.fixture(autouse=True)
def request_context(app):
    """Services format lazy labels: give them a request to live in."""
    with app.test_request_context():
        yield


def pdf_words(pdf: bytes) -> str:
    """The PDF's text by pypdf, every run of white space made one space."""
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())
