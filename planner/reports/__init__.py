"""The donor report: reporting profile fields, returning participants, anonymous counts.

For other packages: ``models.ReportingProfile`` holds an invitee's optional reporting answers
(gender, age group, urban/rural, sector); ``profiles.age_group_of(invitee, profile)`` is the one
rule for the age group.
"""
