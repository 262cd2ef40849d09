"""Invitees, spreadsheet import, invitation links, RSVP pages, reminders and status history."""
