"""Check-in and attendance during the institute, sign-in sheets, certificates of participation.

For other packages: ``services.checkin_codes(institute)`` gives each confirmed invitee's opaque
check-in code (badges print it as a QR code); ``services.days_present(institute)`` is the one
rule of who was present on which day (certificates, the donor report).
"""
