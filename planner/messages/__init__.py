"""Messages to invitees: compose to a filtered group, editable e-mail templates, reminders."""
