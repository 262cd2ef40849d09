// Reads an iCalendar feed on stdin with ical.js and prints its events as JSON:
// the UTC instants come from the feed's own VTIMEZONE components (ical.js has no zone
// database of its own), so this checks what a strict client shows.
import ICAL from "ical.js";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const root = new ICAL.Component(ICAL.parse(Buffer.concat(chunks).toString("utf8")));

for (const vtimezone of root.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(vtimezone);
}

const iso = (time) => (time.isDate ? time.toString() : time.toJSDate().toISOString());
const events = root.getAllSubcomponents("vevent").map((vevent) => {
  const event = new ICAL.Event(vevent);
  return {
    uid: event.uid,
    summary: event.summary,
    sequence: event.sequence,
    status: vevent.getFirstPropertyValue("status"),
    all_day: event.startDate.isDate,
    start: iso(event.startDate),
    end: iso(event.endDate),
    start_zone: event.startDate.zone ? event.startDate.zone.tzid : null,
  };
});

process.stdout.write(
  JSON.stringify({
    calname: root.getFirstPropertyValue("x-wr-calname"),
    timezones: root.getAllSubcomponents("vtimezone").map((tz) => tz.getFirstPropertyValue("tzid")),
    events,
  }),
);
