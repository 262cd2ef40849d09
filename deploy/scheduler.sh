#!/bin/sh
# The scheduled jobs of the compose stack (systemd uses timers instead, deploy/systemd):
# - every SCHEDULE_INTERVAL seconds (300): `flask send-scheduled`, the scheduled messages and
#   reminders whose time has come;
# - every day at REMIND_AT (UTC, HH:MM): `flask remind` (reminders to those who have not
#   answered), `flask reports send-follow-ups` (follow-up questions months after an
#   institute), then `flask purge-expired` (retention).
# Each command is safe to run again: a message already sent is marked so and not sent twice.
# A failed run is logged and retried at the next turn; the container keeps running.
set -u
REMIND_AT="${REMIND_AT:-06:00}"
SCHEDULE_INTERVAL="${SCHEDULE_INTERVAL:-300}"

next_daily() {
    now=$(date -u +%s)
    at=$(date -u -d "$(date -u +%F) $REMIND_AT" +%s)
    [ "$at" -le "$now" ] && at=$((at + 86400))
    echo "$at"
}

daily=$(next_daily)
while true; do
    flask send-scheduled || echo "scheduler: flask send-scheduled failed" >&2
    if [ "$(date -u +%s)" -ge "$daily" ]; then
        flask remind || echo "scheduler: flask remind failed" >&2
        flask reports send-follow-ups || echo "scheduler: flask reports send-follow-ups failed" >&2
        flask purge-expired || echo "scheduler: flask purge-expired failed" >&2
        daily=$(next_daily)
    fi
    sleep "$SCHEDULE_INTERVAL"
done
