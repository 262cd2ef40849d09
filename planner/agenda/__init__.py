"""Venue rooms, sessions, facilitators, breakout assignment and conflict checks."""
