"""Travel legs, visa rules and cases, accommodation, arrival and departure manifests.

For other packages:
- ``services.transition_visa_case(case, VisaStatus.LETTER_SENT, organizer=...)`` when a letter
  is sent (documents); the invitee may download it once ``case.letter_approved_at`` is set.
- ``services.legs_of(invitee)`` and ``RoomAssignment`` rows carry a stable ``uid`` and a
  ``sequence`` raised on each change (personal calendar feeds).
- ``risks.load_travel_data(institute)`` is the read snapshot (a fixed number of queries);
  ``manifests.build_manifest(data, "arrival" | "departure")`` gives the manifest page, CSV and
  PDF their rows (one function, so they agree); ``overview.rooming_by_night(data)`` the
  rooming list.
- ``riskstore`` keeps the checks' findings per invitee in the ``risk`` table (refreshed on
  commit for invitees whose data changed; ``flask rebuild-risks``); ``dashboard`` builds the
  dashboard panel from SQL aggregates and the first stored risks.
"""
