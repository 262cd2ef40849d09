// Check-in on a phone: taps are kept in localStorage until the server has them, so a tap made
// offline or on a failing connection is never lost; the server's mark is idempotent, so
// sending one again is harmless. Badges are scanned with BarcodeDetector where the browser
// has it. Without this file the page still works with plain forms.
(() => {
  const root = document.querySelector("[data-checkin]");
  if (!root) return;
  const markUrl = root.dataset.markUrl;
  const key = root.dataset.queueKey;
  const status = root.querySelector("[data-queue-status]");
  let flushing = false;

  const load = () => {
    try { return JSON.parse(localStorage.getItem(key) || "[]"); } catch { return []; }
  };
  const save = (queue) => localStorage.setItem(key, JSON.stringify(queue));

  function showPending() {
    const count = load().length;
    status.textContent = count ? status.dataset.pendingText.replace("{n}", count) : "";
  }

  function enqueue(params) {
    const queue = load();
    queue.push({ id: `${Date.now()}-${Math.random().toString(36).slice(2)}`, body: params.toString() });
    save(queue);
    showPending();
    flush();
  }

  async function freshToken() {
    const page = await fetch(window.location.href, { credentials: "same-origin" });
    const match = (await page.text()).match(/name="csrf_token" value="([^"]+)"/);
    return match ? match[1] : null;
  }

  async function flush() {
    if (flushing || !navigator.onLine) { showPending(); return; }
    flushing = true;
    try {
      for (const item of load()) {
        let response;
        try {
          response = await fetch(markUrl, {
            method: "POST",
            credentials: "same-origin",
            headers: { Accept: "application/json", "Content-Type": "application/x-www-form-urlencoded" },
            body: item.body,
          });
        } catch { break; } // offline again: keep the rest for later
        if (response.status === 400) {
          // The form token expired while the tap waited: take a fresh one and try later.
          const token = await freshToken().catch(() => null);
          if (!token) break;
          const params = new URLSearchParams(item.body);
          params.set("csrf_token", token);
          save(load().map((q) => (q.id === item.id ? { ...q, body: params.toString() } : q)));
          continue;
        }
        if (response.ok || response.status === 422 || response.status === 404 || response.status === 403) {
          save(load().filter((q) => q.id !== item.id)); // done, or can never succeed
        } else {
          break; // the server is struggling: keep it and try again later
        }
      }
    } finally {
      flushing = false;
      showPending();
    }
  }

  root.addEventListener("submit", (event) => {
    const form = event.target.closest("form[data-mark]");
    if (!form) return;
    event.preventDefault();
    enqueue(new URLSearchParams(new FormData(form)));
    const present = form.elements.present;
    const nowPresent = present.value === "1";
    present.value = nowPresent ? "0" : "1";
    const button = form.querySelector("button");
    const state = form.querySelector(".checkin-state");
    button.classList.toggle("btn-success", nowPresent);
    button.classList.toggle("btn-outline-dark", !nowPresent);
    button.setAttribute("aria-pressed", String(nowPresent));
    form.closest(".checkin-row").classList.toggle("is-present", nowPresent);
    state.textContent = nowPresent ? state.dataset.presentText : state.dataset.absentText;
  });

  window.addEventListener("online", flush);
  setInterval(flush, 15000);
  flush();

  // Scanning badges: progressive enhancement where BarcodeDetector exists.
  const scan = root.querySelector(".checkin-scan");
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices) return;
  scan.hidden = false;
  const video = root.querySelector("[data-scan-video]");
  const search = root.querySelector("form[role=search]");
  root.querySelector("[data-scan]").addEventListener("click", async () => {
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
    } catch { return; }
    const detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    video.srcObject = stream;
    video.hidden = false;
    await video.play();
    const stop = () => { stream.getTracks().forEach((t) => t.stop()); video.hidden = true; };
    const look = async () => {
      const codes = await detector.detect(video).catch(() => []);
      if (!codes.length) { setTimeout(look, 250); return; }
      stop();
      const code = codes[0].rawValue.trim();
      const params = new URLSearchParams(new FormData(search));
      const mark = new URLSearchParams();
      mark.set("csrf_token", root.querySelector("input[name=csrf_token]")?.value || root.dataset.csrf || "");
      mark.set("code", code);
      mark.set("day", params.get("day"));
      if (params.get("session")) mark.set("session", params.get("session"));
      mark.set("present", "1");
      enqueue(mark);
      search.elements.q.value = code;
      search.requestSubmit();
    };
    look();
  });
})();
