"""Institutes: create, edit, list, archive, team, settings and the dashboard."""
