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
