"""Security building blocks: secret links, field encryption, audit log, headers, access helpers."""
