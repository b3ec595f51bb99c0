// Progressive enhancement only: every form works without JavaScript.
"use strict";

document.documentElement.classList.add("js");

// The plan's table of contents is open beside the text on a wide screen, folded above it on a phone.
document.addEventListener("DOMContentLoaded", () => {
  const wide = window.matchMedia("(min-width: 761px)").matches;
  document.querySelectorAll("details[data-open-wide]").forEach((toc) => { toc.open = wide; });
});

// Tables that read as cards on a phone (.table.stack): each cell without a label gets its column's name.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("table.stack").forEach((table) => {
    const names = Array.from(table.querySelectorAll("thead th")).map((th) => th.textContent.trim());
    table.querySelectorAll("tbody tr").forEach((row) => {
      Array.from(row.children).forEach((cell, i) => {
        if (!cell.dataset.label && names[i] && !cell.hasAttribute("colspan")) cell.dataset.label = names[i];
      });
    });
  });
});

// The phone menu: the 菜单 button shows or hides the navigation links.
document.addEventListener("DOMContentLoaded", () => {
  const toggle = document.querySelector(".menu-toggle");
  const nav = document.getElementById("site-nav");
  if (!toggle || !nav) return;
  toggle.hidden = false;
  toggle.addEventListener("click", () => {
    const open = nav.classList.toggle("open");
    toggle.setAttribute("aria-expanded", String(open));
  });
});

function csrfToken(form) {
  const input = form.querySelector("input[name=csrf_token]");
  return input ? input.value : "";
}

// Votes: post in the background and update the counts in place.
document.addEventListener("click", async (event) => {
  const button = event.target.closest(".vote-btn");
  if (!button || button.disabled) return;
  const form = button.closest("form.vote");
  event.preventDefault();
  const body = new URLSearchParams(new FormData(form));
  body.set("value", button.value);
  button.disabled = true;
  try {
    const response = await fetch(form.action, {
      method: "POST",
      headers: { "Accept": "application/json", "X-CSRFToken": csrfToken(form) },
      body,
    });
    const data = await response.json();
    if (!response.ok) { alert(data.error || "操作失败"); return; }
    form.querySelector(".support-count").textContent = data.support;
    form.querySelector(".oppose-count").textContent = data.oppose;
    const support = form.querySelector(".vote-btn.support");
    const oppose = form.querySelector(".vote-btn.oppose");
    support.classList.toggle("active", data.mine === 1);
    oppose.classList.toggle("active", data.mine === -1);
    support.value = data.mine === 1 ? "clear" : "support";
    oppose.value = data.mine === -1 ? "clear" : "oppose";
    support.setAttribute("aria-pressed", String(data.mine === 1));
    oppose.setAttribute("aria-pressed", String(data.mine === -1));
  } catch (error) {
    form.requestSubmit(button);
  } finally {
    button.disabled = false;
  }
});

// Digest progress: poll the task state while a digest is being built.
document.addEventListener("DOMContentLoaded", () => {
  const bar = document.querySelector("[data-progress-url]");
  if (!bar) return;
  const fill = bar.querySelector("span");
  const label = document.querySelector("[data-progress-label]");
  const poll = async () => {
    const response = await fetch(bar.dataset.progressUrl, { headers: { "Accept": "application/json" } });
    if (!response.ok) return;
    const data = await response.json();
    fill.style.width = Math.round(data.progress * 100) + "%";
    if (label) label.textContent = data.stage || data.status;
    if (data.status === "done" || data.status === "failed") { window.location.reload(); return; }
    setTimeout(poll, 1000);
  };
  poll();
});

// Moderation queue: one checkbox selects every row on the page.
document.addEventListener("change", (event) => {
  const all = event.target.closest("input.select-all");
  if (!all) return;
  const table = all.closest("table");
  table.querySelectorAll("input[name=ids]").forEach((box) => { box.checked = all.checked; });
});

// Forms that undo something (withdrawing one's comment) ask once before they are sent.
document.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-confirm]");
  if (form && !window.confirm(form.dataset.confirm)) event.preventDefault();
});

// A table that scrolls sideways inside its box (a phone) can be scrolled from the keyboard: the box
// takes focus and is named after its caption or the heading above it (WCAG 2.1.1).
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll(".table-wrap, .matrix-wrap").forEach((box) => {
    if (box.hasAttribute("tabindex") || box.scrollWidth <= box.clientWidth + 1) return;
    if (box.querySelector("a, button, input, select, textarea")) return;
    const caption = box.querySelector("caption");
    let heading = box.previousElementSibling;
    while (heading && !/^H[1-6]$/.test(heading.tagName)) heading = heading.previousElementSibling;
    box.tabIndex = 0;
    box.setAttribute("role", "region");
    box.setAttribute("aria-label", (caption || heading || document.querySelector("h1") || document.body).textContent.trim().slice(0, 80));
  });
});
