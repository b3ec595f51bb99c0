// Survey builder helper: buttons that append a question of each type to the JSON definition,
// so staff need not remember the fields (one button per registered kind, with its skeleton).
// The server checks the definition again on save.
"use strict";

(function () {
  const tools = document.querySelector(".builder-tools");
  if (!tools) return;
  const area = document.getElementById(tools.dataset.target);
  const status = tools.querySelector(".builder-status");
  tools.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-type]");
    if (!button) return;
    event.preventDefault();
    let spec;
    try {
      spec = area.value.trim() ? JSON.parse(area.value) : { questions: [] };
    } catch (error) {
      status.textContent = "当前定义不是有效的 JSON，请先修正再添加。";
      return;
    }
    if (!Array.isArray(spec.questions)) spec.questions = [];
    // Each kind's skeleton comes from the server's registry (consult/surveys/questions/).
    const item = JSON.parse(button.dataset.template);
    if (button.dataset.answered === "1") {  // a heading has no key
      const keys = new Set(spec.questions.map((q) => q.key));
      let n = spec.questions.length + 1;
      while (keys.has("q" + n)) n += 1;
      item.key = "q" + n;
    }
    spec.questions.push(item);
    area.value = JSON.stringify(spec, null, 2);
    status.textContent = "已添加，请修改题目文字后保存。";
  });
})();
