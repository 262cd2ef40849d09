"""iCalendar feeds: the institute program, personal and facilitator feeds."""
