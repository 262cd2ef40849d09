"""gunicorn settings for Institute Planner (compose and systemd use the same file)."""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Sync workers: requests are short (PDFs are rendered ahead, mail goes through the outbox).
workers = int(os.environ.get("GUNICORN_WORKERS", "4"))
timeout = 60
graceful_timeout = 30
# A worker is replaced now and then, so memory stays bounded (WeasyPrint is large).
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"  # the app redacts secret links in access-log lines
errorlog = "-"
# nginx is the only client; the app trusts one proxy hop (PLANNER_PROXY_HOPS=1).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
