"""Organizer accounts, sign-in and per-institute team roles."""
