// Survey builder helper: buttons that append a question of each type to the JSON definition,
// so staff need not remember the fields. The server checks the definition again on save.
"use strict";

(function () {
  const tools = document.querySelector(".builder-tools");
  if (!tools) return;
  const area = document.getElementById(tools.dataset.target);
  const status = tools.querySelector(".builder-status");
  const TEMPLATES = {
    section: { type: "section", title: "新的一节" },
    single: { type: "single", title: "单选题", options: ["选项一", "选项二"] },
    multiple: { type: "multiple", title: "多选题", options: ["选项一", "选项二", "选项三"], min: 1, max: 2 },
    rating: { type: "rating", title: "请打分（1-5 分）", reason: false },
    satisfaction: { type: "satisfaction", title: "您对本次服务是否满意", reason: true },
    nps: { type: "nps", title: "您有多大可能向亲友推荐？", required: false },
    matrix: { type: "matrix", title: "您是否同意以下说法", rows: ["说法一", "说法二"] },
    text: { type: "text", title: "简答题", required: false },
    textarea: { type: "textarea", title: "您的建议", required: false },
  };

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
    const item = JSON.parse(JSON.stringify(TEMPLATES[button.dataset.type]));
    if (item.type !== "section") {
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
