"""Transactional outbox, SMTP sender and message templates.

For other packages:

- ``services.render_email("<pkg>/mail/<name>", locale, **context)`` renders
  ``templates/<pkg>/mail/<name>.subject.txt``, ``.txt`` and ``.html``; message templates extend
  ``mail/layout.txt`` / ``mail/layout.html`` (blocks ``content``, ``reason``, ``preheader``,
  context ``institute``) and may use ``mail/macros.html`` (``button(url, label)``).
- ``services.queue_email(...)`` adds the message to the caller's transaction; the sender
  (``flask send-mail``) delivers it later. Kinds "reminder" and "confirmation" are sent with
  ``Auto-Submitted: auto-generated``. Secret links (/r/<token>, /feeds/<token>.ics) are
  redacted from the stored bodies once sent.
- Tests: the ``smtp_server`` fixture (tests/plugins/smtp_server.py) is a real SMTP server.
"""
