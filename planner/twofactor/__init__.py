"""Two-factor sign-in for organizers: TOTP, single-use recovery codes, a team requirement."""
