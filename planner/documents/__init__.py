"""Printable documents rendered with WeasyPrint: booklet, agenda, letters, lists, badges."""
