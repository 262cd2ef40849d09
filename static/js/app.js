// Progressive enhancement only: every page works without this file.
document.documentElement.classList.add("js");

document.addEventListener("change", (event) => {
  const select = event.target.closest("select[data-autosubmit]");
  if (select) select.form.requestSubmit();
});

document.addEventListener("submit", (event) => {
  const button = event.submitter;
  const needs = button && button.dataset.needsChecked;
  if (needs && !event.target.querySelector(`input[name="${needs}"]:checked`)) {
    // Nothing chosen: say so at once rather than ask to confirm sending to nobody.
    window.alert(button.dataset.needsMessage);
    event.preventDefault();
    return;
  }
  const message = button && button.dataset.confirm;
  if (message && !window.confirm(message)) event.preventDefault();
});

// A table that scrolls sideways on a small screen can be scrolled with the keyboard too.
const markScrollable = () => {
  for (const box of document.querySelectorAll(".table-responsive")) {
    const scrolls = box.scrollWidth > box.clientWidth + 1;
    if (scrolls && !box.hasAttribute("tabindex")) {
      box.tabIndex = 0;
      const caption = box.querySelector("caption");
      box.setAttribute("role", "region");
      if (caption) box.setAttribute("aria-label", caption.textContent.trim());
    }
  }
};
markScrollable();
window.addEventListener("resize", markScrollable);
