// Drag and drop on the agenda grid: move a session to another time row or room by its handle,
// or change its end by its lower edge, with mouse, pen or touch (pointer events). While the
// pointer moves, the server's conflict check answers for the place under it; letting go
// saves the placement and reloads the page. Without this script the Move and Edit forms do
// the same, also with the keyboard.

const root = document.getElementById("agenda-dnd");
const MINUTES_PER_STEP = 5;
const PIXELS_PER_STEP = 8;

function toMinutes(hhmm) {
  const [h, m] = hhmm.split(":").map(Number);
  return h * 60 + m;
}

function toClock(minutes) {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`;
}

function sessionUrl(template, id) {
  return template.replace("/sessions/0/", `/sessions/${id}/`);
}

if (root) {
  root.hidden = false;
  const status = document.getElementById("agenda-dnd-status");
  let pending = null; // the AbortController of the check in flight

  function say(text, kind) {
    status.textContent = "";
    status.className = `alert py-1 small mb-2 alert-${kind}`;
    const lines = Array.isArray(text) ? text : [text];
    lines.forEach((line, index) => {
      if (index) status.appendChild(document.createElement("br"));
      status.appendChild(document.createTextNode(line));
    });
  }

  async function post(url, placement, signal) {
    const body = new URLSearchParams(placement);
    const response = await fetch(url, {
      method: "POST",
      body,
      signal,
      credentials: "same-origin",
      headers: { "X-CSRFToken": root.dataset.csrf, Accept: "application/json" },
    });
    return response.json();
  }

  function report(answer) {
    if (!answer.ok) {
      say(answer.error, "danger");
    } else if (answer.conflicts.length) {
      say([answer.message, ...answer.conflicts], "warning");
    } else {
      say(answer.message, "success");
    }
  }

  async function check(card, placement) {
    if (pending) pending.abort();
    pending = new AbortController();
    say(root.dataset.checking, "light");
    try {
      report(await post(sessionUrl(root.dataset.checkUrl, card.dataset.sessionId), placement, pending.signal));
    } catch (error) {
      if (error.name !== "AbortError") say(String(error), "danger");
    }
  }

  async function save(card, placement) {
    if (pending) pending.abort();
    say(root.dataset.saving, "light");
    const answer = await post(sessionUrl(root.dataset.placeUrl, card.dataset.sessionId), placement);
    if (answer.ok) {
      sessionStorage.setItem("agenda-dnd-message", JSON.stringify(answer));
      window.location.reload();
    } else {
      report(answer);
    }
  }

  function cellUnder(card, x, y) {
    card.style.pointerEvents = "none"; // look through the card being dragged
    const element = document.elementFromPoint(x, y);
    card.style.pointerEvents = "";
    return element ? element.closest("td[data-time]") : null;
  }

  function placementIn(card, cell) {
    const length = toMinutes(card.dataset.ends) - toMinutes(card.dataset.starts);
    const starts = toMinutes(cell.dataset.time);
    return {
      day: cell.dataset.day,
      starts: cell.dataset.time,
      ends: toClock(Math.min(starts + length, 24 * 60 - 1)),
      room_id: cell.dataset.roomId,
    };
  }

  function startMove(card, grip, event) {
    event.preventDefault();
    grip.setPointerCapture(event.pointerId);
    const origin = { x: event.clientX, y: event.clientY };
    let target = null;
    let placement = null;
    card.classList.add("dragging");

    function move(e) {
      card.style.transform = `translate(${e.clientX - origin.x}px, ${e.clientY - origin.y}px)`;
      const cell = cellUnder(card, e.clientX, e.clientY);
      if (cell === target) return;
      if (target) target.classList.remove("drop-target");
      target = cell;
      if (!cell) return;
      cell.classList.add("drop-target");
      placement = placementIn(card, cell);
      check(card, placement);
    }

    function end() {
      grip.removeEventListener("pointermove", move);
      grip.removeEventListener("pointerup", end);
      grip.removeEventListener("pointercancel", cancel);
      card.classList.remove("dragging");
      card.style.transform = "";
      if (target) target.classList.remove("drop-target");
      if (placement) save(card, placement);
    }

    function cancel() {
      placement = null;
      end();
    }

    grip.addEventListener("pointermove", move);
    grip.addEventListener("pointerup", end);
    grip.addEventListener("pointercancel", cancel);
  }

  function startResize(card, edge, event) {
    event.preventDefault();
    edge.setPointerCapture(event.pointerId);
    const originY = event.clientY;
    const starts = toMinutes(card.dataset.starts);
    const ends = toMinutes(card.dataset.ends);
    const label = card.querySelector(".agenda-time");
    const cell = card.closest("td[data-time]");
    let placement = null;
    let shown = ends;

    function move(e) {
      const steps = Math.round((e.clientY - originY) / PIXELS_PER_STEP);
      const newEnds = Math.max(starts + MINUTES_PER_STEP, Math.min(ends + steps * MINUTES_PER_STEP, 24 * 60 - 1));
      if (newEnds === shown) return;
      shown = newEnds;
      label.textContent = `${card.dataset.starts}–${toClock(newEnds)}`;
      placement = {
        day: cell.dataset.day,
        starts: card.dataset.starts,
        ends: toClock(newEnds),
        room_id: card.dataset.roomId,
      };
      check(card, placement);
    }

    function end() {
      edge.removeEventListener("pointermove", move);
      edge.removeEventListener("pointerup", end);
      if (placement) save(card, placement);
    }

    edge.addEventListener("pointermove", move);
    edge.addEventListener("pointerup", end);
  }

  document.querySelectorAll(".agenda-session[data-session-id]").forEach((card) => {
    const cell = card.closest("td[data-time]");
    if (!cell) return;
    card.dataset.roomId = cell.dataset.roomId;
    const grip = document.createElement("span");
    grip.className = "agenda-grip";
    grip.setAttribute("aria-hidden", "true");
    grip.title = `${root.dataset.gripLabel}: ${card.dataset.title}`;
    grip.textContent = "⠿";
    grip.addEventListener("pointerdown", (event) => startMove(card, grip, event));
    card.prepend(grip);
    const edge = document.createElement("span");
    edge.className = "agenda-resize";
    edge.setAttribute("aria-hidden", "true");
    edge.title = root.dataset.resizeLabel;
    edge.addEventListener("pointerdown", (event) => startResize(card, edge, event));
    card.append(edge);
  });

  const saved = sessionStorage.getItem("agenda-dnd-message");
  if (saved) {
    sessionStorage.removeItem("agenda-dnd-message");
    report(JSON.parse(saved));
  }
}
