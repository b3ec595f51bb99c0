// Answer workbench: one checkbox ticks or clears every unanswered opinion on the page (answered ones are
// only re-answered when their own "改写已有答复" box is ticked), and a live line says what a submit will do.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector(".answer-form");
  if (!form) return;
  const summary = document.getElementById("answer-summary");
  const counts = document.getElementById("cluster-counts");
  const ticked = (name) => form.querySelectorAll(`input[name="${name}"]:checked`).length;
  const update = () => {
    if (!summary) return;
    const picked = ticked("comment_ids");
    const overwrite = ticked("overwrite_ids");
    if (counts && picked === 0) {
      const fresh = Number(counts.dataset.new);
      const answered = Number(counts.dataset.answered);
      const rewritten = overwrite ? `（其中改写已有答复 ${overwrite} 条）` : "";
      summary.textContent = `提交后将答复 ${fresh + overwrite} 条意见${rewritten}，跳过 ${Math.max(answered - overwrite, 0)} 条已有答复的意见。`;
    } else if (picked + overwrite > 0) {
      summary.textContent = `提交后将答复所选 ${picked} 条未答复意见，改写 ${overwrite} 条已有答复。`;
    } else {
      summary.textContent = "";
    }
  };
  form.addEventListener("change", update);
  const all = document.querySelector("[data-select-all]");
  if (all) {
    all.hidden = false;
    all.querySelector("input").addEventListener("change", (event) => {
      form.querySelectorAll('input[name="comment_ids"]').forEach((box) => { box.checked = event.target.checked; });
      update();
    });
  }
  update();
});
