// Invitee list: a "select all on this page" box. Without JavaScript each row is ticked alone.
document.querySelectorAll("input[data-select-all]").forEach((all) => {
  const name = all.dataset.selectAll;
  const boxes = () => all.form.querySelectorAll(`input[type=checkbox][name="${name}"]`);
  all.hidden = false;
  all.addEventListener("change", () => {
    boxes().forEach((box) => { box.checked = all.checked; });
  });
  all.form.addEventListener("change", (event) => {
    if (event.target === all) return;
    const states = Array.from(boxes(), (box) => box.checked);
    all.checked = states.every(Boolean);
    all.indeterminate = !all.checked && states.some(Boolean);
  });
});
