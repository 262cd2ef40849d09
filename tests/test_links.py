"""Every address the app writes comes from the configured base URL, in one helper."""

from planner.accounts.reset import reset_url
from planner.accounts.team_invites import join_url
from planner.invitations.services import link_url
from planner.links import absolute_url, base_host, personal_url
from planner.reports import followup


def test_personal_addresses_are_built_one_way(app):
    with app.test_request_context("/", headers={"Host": "evil.example"}):
        assert personal_url("r", "TOKEN") == "http://planner.test/r/TOKEN"
        assert personal_url("r", "TOKEN", "/follow-up") == followup.link_url("TOKEN")
        assert absolute_url("/me/") == "http://planner.test/me/"
        assert base_host() == "planner.test"
    base = "https://planner.example.org/"
    assert link_url(base, "T") == "https://planner.example.org/r/T"
    assert join_url(base, "T") == "https://planner.example.org/join/T"
    assert reset_url(base, "T") == "https://planner.example.org/password/reset/T"
