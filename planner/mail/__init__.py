"""Transactional outbox, SMTP sender and message templates."""
