"""Backups of one institute (an encrypted, schema-versioned archive) and key rotation."""
