// Survey form: skip logic (hidden questions are disabled, so they are not sent) and saving
// progress in the background. The server checks both again; this is only for comfort.
"use strict";

(function () {
  // Skip logic and numbering of one survey form; the builder's live preview binds its own form
  // and calls the returned function again after each re-render.
  function bind(form) {
    function questions() { return Array.from(form.querySelectorAll("fieldset.question")); }

    function answerOf(q) {
      if (!q || q.hidden) return null;
      const checked = Array.from(q.querySelectorAll("input:checked"));
      if (!checked.length) return null;
      return {
        labels: checked.map((i) => i.dataset.label).filter(Boolean),
        value: Number(checked[0].value),
      };
    }

    function shown(q, byKey) {
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
      const all = questions();
      const byKey = new Map(all.map((q) => [q.dataset.key, q]));
      let number = 0;
      for (const q of all) {
        const visible = shown(q, byKey);
        q.hidden = !visible;
        q.querySelectorAll("input, textarea, select").forEach((el) => { el.disabled = !visible; });
        const label = q.querySelector(".qnum");
        if (visible) number += 1;
        if (label && visible) label.textContent = number + ".";
      }
    }

    form.addEventListener("change", apply);
    apply();
    return apply;
  }
  window.ConsultSurvey = { bind: bind };

  const form = document.querySelector("form.survey-form:not([data-preview])");
  if (!form) return;
  bind(form);
  // A refused submission comes back with a message beside each question at fault: go to the first.
  const problem = form.querySelector("fieldset.question.has-error:not([hidden])");
  if (problem) {
    const input = problem.querySelector("input:not([disabled]), textarea:not([disabled])");
    if (input) input.focus({ preventScroll: true });
    problem.scrollIntoView({ block: "center" });
  }

  if (!form.dataset.autosave) return;
  // form.action would be the button named "action", not the attribute.
  const status = form.querySelector(".autosave-status");
  let timer = null;
  async function save() {
    const data = new FormData(form);
    data.set("action", "save");
    try {
      const response = await fetch(form.getAttribute("action"), { method: "POST", body: data, headers: { "Accept": "application/json" } });
      // The words come from the page, so they follow the reader's language.
      if (status) status.textContent = response.ok ? status.dataset.saved : status.dataset.failed;
    } catch (error) {
      if (status) status.textContent = status.dataset.failed;
    }
  }
  form.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(save, 2500);
  });
  form.addEventListener("submit", () => clearTimeout(timer));
})();
