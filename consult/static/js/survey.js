// Survey form: skip logic (hidden questions are disabled, so they are not sent) and saving
// progress in the background. The server checks both again; this is only for comfort.
"use strict";

(function () {
  const form = document.querySelector("form.survey-form");
  if (!form) return;
  const questions = Array.from(form.querySelectorAll("fieldset.question"));
  const byKey = new Map(questions.map((q) => [q.dataset.key, q]));

  function answerOf(q) {
    if (!q || q.hidden) return null;
    const checked = Array.from(q.querySelectorAll("input:checked"));
    if (!checked.length) return null;
    return {
      labels: checked.map((i) => i.dataset.label).filter(Boolean),
      value: Number(checked[0].value),
    };
  }

  function shown(q) {
    const target = q.dataset.showQ;
    if (!target) return true;
    const answer = answerOf(byKey.get(target));
    if (!answer) return false;
    if (q.dataset.showAny) {
      const wanted = JSON.parse(q.dataset.showAny);
      return answer.labels.some((l) => wanted.includes(l));
    }
    return answer.value >= Number(q.dataset.showMin) && answer.value <= Number(q.dataset.showMax);
  }

  function apply() {
    // In order: a question's visibility can depend on one shown earlier. The shown questions are
    // numbered 1, 2, 3 … without the gaps the hidden ones would leave.
    let number = 0;
    for (const q of questions) {
      const visible = shown(q);
      q.hidden = !visible;
      q.querySelectorAll("input, textarea, select").forEach((el) => { el.disabled = !visible; });
      const label = q.querySelector(".qnum");
      if (visible) number += 1;
      if (label && visible) label.textContent = number + ".";
    }
  }

  form.addEventListener("change", apply);
  apply();

  if (!form.dataset.autosave) return;
  // form.action would be the button named "action", not the attribute.
  const status = form.querySelector(".autosave-status");
  let timer = null;
  async function save() {
    const data = new FormData(form);
    data.set("action", "save");
    try {
      const response = await fetch(form.getAttribute("action"), { method: "POST", body: data, headers: { "Accept": "application/json" } });
      if (response.ok && status) status.textContent = "进度已自动保存";
    } catch (error) {
      if (status) status.textContent = "";
    }
  }
  form.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(save, 2500);
  });
  form.addEventListener("submit", () => clearTimeout(timer));
})();
