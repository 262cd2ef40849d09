#!/bin/sh
# The scheduled jobs of the compose stack (systemd uses timers instead): reminders every day
# at REMIND_AT (UTC, HH:MM), then the retention purge. A failed run is logged and retried
# the next day; the container keeps running.
set -u
REMIND_AT="${REMIND_AT:-06:00}"
while true; do
    now=$(date -u +%s)
    next=$(date -u -d "$(date -u +%F) $REMIND_AT" +%s)
    [ "$next" -le "$now" ] && next=$((next + 86400))
    sleep $((next - now))
    flask remind || echo "scheduler: flask remind failed" >&2
    flask purge-expired || echo "scheduler: flask purge-expired failed" >&2
done
