// Answer workbench: one checkbox ticks or clears every opinion on the page.
document.addEventListener("DOMContentLoaded", () => {
  const all = document.querySelector("[data-select-all]");
  if (!all) return;
  all.hidden = false;
  all.querySelector("input").addEventListener("change", (event) => {
    document.querySelectorAll('input[name="comment_ids"]').forEach((box) => { box.checked = event.target.checked; });
  });
});
