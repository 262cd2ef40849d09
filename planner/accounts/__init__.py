"""Bringing organizers in and letting them recover access: team invitations by e-mail and
password reset by e-mail. No open sign-up: an account is made only through an invitation
(or ``flask create-organizer`` for the very first one)."""
