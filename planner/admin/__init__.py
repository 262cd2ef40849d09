"""The installation's administration page (encryption keys), for organizers with ``is_admin``
(``flask create-organizer --admin``, ``flask make-admin EMAIL``)."""
