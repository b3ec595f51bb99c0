// Survey builder: a visual editor of the question definition (add, edit, reorder, delete
// questions and options, skip conditions) with a live preview rendered by the server from the
// respondents' own templates. The JSON text area stays the source that is submitted (and the
// whole builder without JavaScript): every edit here rewrites it, and typing valid JSON into it
// updates the editor. The server checks the definition again on every preview and on save.
// No strings of its own: they come translated from the page (data-strings), kinds from the
// registry (data-kinds, consult/surveys/questions/).
"use strict";

(function () {
  const root = document.querySelector("section.builder");
  if (!root) return;
  const form = root.closest("form");
  const area = document.getElementById(root.dataset.target);
  const details = form.querySelector("details.spec-json");
  const jsonError = details.querySelector(".builder-json-error");
  const list = root.querySelector(".builder-list");
  const tools = root.querySelector(".builder-tools");
  const status = root.querySelector(".builder-status");
  const S = JSON.parse(root.dataset.strings);
  const KINDS = new Map(JSON.parse(root.dataset.kinds).map((k) => [k.name, k]));
  const aside = document.querySelector(".builder-preview");
  const previewForm = aside.querySelector("form");
  const previewBody = aside.querySelector(".preview-body");
  const previewError = aside.querySelector(".preview-error");
  const previewTitle = aside.querySelector(".preview-title");
  const titleInput = form.querySelector("input[name=title]");
  const csrf = form.querySelector("input[name=csrf_token]");

  let spec = null; // the model: {questions: [...]}; null while the JSON cannot be read
  let undo = null; // the last deleted question and where it was
  let marked = null; // {item, message}: the server's objection, shown at that question
  const serverMessage = details.querySelector(".field.has-error .error");
  if (root.dataset.errorItem !== "" && serverMessage) {
    marked = { item: Number(root.dataset.errorItem), message: serverMessage.textContent };
  }

  function t(key, params) {
    let text = S[key] || key;
    for (const [name, value] of Object.entries(params || {})) text = text.split("{" + name + "}").join(String(value));
    return text;
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "text") node.textContent = value;
      else node.setAttribute(name, value === true ? "" : String(value));
    }
    for (const child of children) if (child) node.append(child);
    return node;
  }

  const kindOf = (q) => KINDS.get(q.type) || { label: q.type, answered: true, fields: [], labels: [], range: null };
  const answered = (q) => kindOf(q).answered;
  const itemName = (i) => t("item", { n: i + 1 });
  const titleOf = (q) => (q.title || "").trim() || S.untitled;

  // -- the model ------------------------------------------------------------------------------

  function read(text) {
    const data = JSON.parse(text);
    if (!data || typeof data !== "object" || !Array.isArray(data.questions)) throw new Error(S.no_list);
    if (data.questions.some((q) => !q || typeof q !== "object" || Array.isArray(q))) throw new Error(S.no_list);
    return data;
  }

  function freshKey() {
    const keys = new Set(spec.questions.map((q) => q.key));
    let n = spec.questions.length + 1;
    while (keys.has("q" + n)) n += 1;
    return "q" + n;
  }

  // Keys are internal (answers and conditions refer to them): the builder never shows them, it
  // only makes sure every question has one, as the server would by position.
  function ensureKeys() {
    const used = new Set();
    spec.questions.forEach((q) => {
      if (!answered(q)) return;
      if (!q.key || used.has(q.key)) q.key = freshKey();
      used.add(q.key);
    });
  }

  function labelsOf(q) {
    const kind = kindOf(q);
    if (kind.fields.includes("options")) return Array.isArray(q.options) ? q.options : [];
    return kind.labels || [];
  }

  function targetsBefore(i) {
    const out = [];
    spec.questions.slice(0, i).forEach((q, j) => {
      if (answered(q) && q.key && (labelsOf(q).length || kindOf(q).range)) out.push([j, q]);
    });
    return out;
  }

  // After a move or a delete a condition may point at a question no longer above it: drop it and say so.
  function repairConditions() {
    const notes = [];
    spec.questions.forEach((q, i) => {
      if (!q.show_if) return;
      if (!targetsBefore(i).some(([, target]) => target.key === q.show_if.q)) {
        delete q.show_if;
        notes.push(t("dropped", { title: titleOf(q) }));
      }
    });
    return notes;
  }

  function renameLabel(key, before, after) {
    spec.questions.forEach((q) => {
      if (q.show_if && q.show_if.q === key && Array.isArray(q.show_if.any_of)) {
        q.show_if.any_of = q.show_if.any_of.map((label) => (label === before ? after : label));
      }
    });
  }

  function dropLabel(key, label) {
    const notes = [];
    spec.questions.forEach((q) => {
      if (q.show_if && q.show_if.q === key && Array.isArray(q.show_if.any_of)) {
        q.show_if.any_of = q.show_if.any_of.filter((l) => l !== label);
        if (!q.show_if.any_of.length) {
          delete q.show_if;
          notes.push(t("dropped", { title: titleOf(q) }));
        }
      }
    });
    return notes;
  }

  // -- writing back and previewing -------------------------------------------------------------

  function sync() {
    area.value = JSON.stringify(spec, null, 2);
    hideJsonError();
    schedulePreview();
  }

  let previewTimer = null;
  let previewSeq = 0;
  function schedulePreview() {
    clearTimeout(previewTimer);
    previewTimer = setTimeout(preview, 300);
  }

  async function preview() {
    const seq = ++previewSeq;
    const body = new FormData();
    body.set("spec", area.value);
    body.set("csrf_token", csrf ? csrf.value : "");
    let data;
    try {
      const response = await fetch(root.dataset.previewUrl, {
        method: "POST", body: body, credentials: "same-origin",
        headers: { "Accept": "application/json", "X-CSRFToken": csrf ? csrf.value : "" },
      });
      data = await response.json();
    } catch (error) {
      data = { error: S.preview_failed };
    }
    if (seq !== previewSeq) return; // a newer edit has asked again
    if (data.html !== undefined) {
      previewBody.innerHTML = data.html; // rendered by the server's autoescaping templates
      previewError.hidden = true;
      refreshPreview();
      mark(null);
    } else {
      previewError.textContent = data.error;
      previewError.hidden = false;
      mark(data.item === null || data.item === undefined ? null : { item: data.item, message: data.error });
    }
  }

  const refreshPreview = window.ConsultSurvey ? window.ConsultSurvey.bind(previewForm) : () => {};
  previewForm.addEventListener("submit", (event) => event.preventDefault());

  function mark(problem) {
    marked = problem;
    list.querySelectorAll(".bq").forEach((card, i) => {
      const box = card.querySelector(".bq-error");
      const hit = problem && problem.item === i;
      card.classList.toggle("has-error", Boolean(hit));
      box.hidden = !hit;
      box.textContent = hit ? problem.message : "";
    });
  }

  function showJsonError(message) {
    jsonError.textContent = message;
    jsonError.hidden = false;
    details.open = true;
  }

  function hideJsonError() {
    jsonError.hidden = true;
    jsonError.textContent = "";
  }

  function say(message, withUndo) {
    status.replaceChildren(el("span", { text: message }));
    if (withUndo) {
      const button = el("button", { type: "button", class: "link builder-undo", text: S.undo });
      button.addEventListener("click", restore);
      status.append(" ", button);
    }
  }

  // -- rendering -------------------------------------------------------------------------------

  function render(focusRef) {
    const active = document.activeElement;
    const ref = focusRef || (active && root.contains(active) ? active.dataset.ref : null);
    list.replaceChildren();
    tools.querySelectorAll("button").forEach((b) => { b.disabled = spec === null; });
    if (spec === null) {
      list.append(el("li", { class: "bq-locked notice", text: S.locked }));
      return;
    }
    if (!spec.questions.length) list.append(el("li", { class: "bq-empty empty", text: S.empty }));
    spec.questions.forEach((q, i) => list.append(card(q, i)));
    mark(marked);
    if (ref) {
      let target = list.querySelector('[data-ref="' + ref + '"]');
      if (target && target.disabled) target = list.querySelector('[data-ref="' + ref.replace(/:(up|down)$/, (m, d) => ":" + (d === "up" ? "down" : "up")) + '"]');
      if (target) target.focus();
    }
  }

  function toolButton(text, ref, label, disabled, onClick) {
    const button = el("button", { type: "button", class: "secondary small", "data-ref": ref, "aria-label": label, disabled: disabled, text: text });
    button.addEventListener("click", onClick);
    return button;
  }

  function field(labelText, control, extraClass) {
    return el("label", { class: "bq-field" + (extraClass ? " " + extraClass : "") }, el("span", { text: labelText }), control);
  }

  function textInput(ref, value, onInput, attrs) {
    const input = el("input", { type: "text", "data-ref": ref, value: value || "", ...(attrs || {}) });
    input.addEventListener("input", () => onInput(input.value));
    return input;
  }

  function card(q, i) {
    const kind = kindOf(q);
    const count = spec.questions.length;
    const name = itemName(i);
    const li = el("li", { class: "bq" + (kind.answered ? "" : " bq-section"), id: "bq-" + i, "aria-label": name + " · " + kind.label });
    li.append(el("div", { class: "bq-head" },
      el("span", { class: "bq-num", text: name + " · " + kind.label }),
      el("span", { class: "bq-tools", role: "group", "aria-label": t("actions", { n: i + 1 }) },
        toolButton("↑ " + S.up, i + ":up", S.up + "：" + name, i === 0, () => move(i, -1)),
        toolButton("↓ " + S.down, i + ":down", S.down + "：" + name, i === count - 1, () => move(i, 1)),
        toolButton("✕ " + S.remove, i + ":remove", S.remove + "：" + name, false, () => remove(i)))));
    li.append(el("p", { class: "error bq-error", role: "alert", hidden: true }));

    li.append(field(kind.answered ? S.title : S.section_title, textInput(i + ":title", q.title, (value) => {
      q.title = value;
      list.querySelectorAll('option[data-for="' + i + '"]').forEach((o) => { o.textContent = t("when", { n: i + 1, title: titleOf(q) }); });
      sync();
    }, { maxlength: 500 })));
    li.append(field(S.help, textInput(i + ":help", q.help, (value) => {
      if (value) q.help = value; else delete q.help;
      sync();
    }, { maxlength: 1000 })));

    if (kind.answered) {
      const required = el("input", { type: "checkbox", "data-ref": i + ":required", checked: q.required === undefined ? kind.default_required : Boolean(q.required) });
      required.addEventListener("change", () => { q.required = required.checked; sync(); });
      li.append(el("label", { class: "bq-check" }, required, " " + S.required));
    }
    if (kind.fields.includes("options")) li.append(listEditor(q, i, "options", S.options, "option", S.add_option, []));
    if (kind.fields.includes("choose")) li.append(chooseEditor(q, i));
    if (kind.fields.includes("rows")) li.append(listEditor(q, i, "rows", S.rows, "row", S.add_row, []));
    if (kind.fields.includes("columns")) li.append(listEditor(q, i, "columns", S.columns, "column", S.add_column, kind.default_columns || []));
    if (kind.fields.includes("reason")) {
      const reason = el("input", { type: "checkbox", "data-ref": i + ":reason", checked: Boolean(q.reason) });
      reason.addEventListener("change", () => { q.reason = reason.checked; sync(); });
      li.append(el("label", { class: "bq-check" }, reason, " " + S.reason));
    }
    if (kind.answered && i > 0) {
      const condition = conditionEditor(q, i);
      if (condition) li.append(condition);
    }
    return li;
  }

  // Options, matrix rows or columns: rename, reorder, remove, add.
  function listEditor(q, i, prop, legend, itemKey, addText, defaults) {
    const values = () => (Array.isArray(q[prop]) ? q[prop] : (q[prop] = defaults.slice()));
    const items = Array.isArray(q[prop]) ? q[prop] : defaults;
    const box = el("fieldset", { class: "bq-list" }, el("legend", { text: legend }));
    const ol = el("ol");
    items.forEach((label, k) => {
      const what = t(itemKey, { n: k + 1 });
      const input = textInput(i + ":" + prop + ":" + k, label, (value) => {
        const before = values()[k];
        values()[k] = value;
        if (prop === "options") renameLabel(q.key, before, value);
        sync();
      }, { "aria-label": what, maxlength: 200 });
      const row = el("li", {}, input, el("span", { class: "bq-tools", role: "group", "aria-label": t("option_actions", { label: label || what }) },
        toolButton("↑", i + ":" + prop + ":" + k + ":up", S.up + "：" + what, k === 0, () => moveValue(q, i, prop, values(), k, -1)),
        toolButton("↓", i + ":" + prop + ":" + k + ":down", S.down + "：" + what, k === items.length - 1, () => moveValue(q, i, prop, values(), k, 1)),
        toolButton("✕", i + ":" + prop + ":" + k + ":remove", S.remove + "：" + what, items.length <= 1, () => {
          const [gone] = values().splice(k, 1);
          const notes = prop === "options" ? dropLabel(q.key, gone) : [];
          if (prop === "options" && typeof q.max === "number" && q.max > values().length) q.max = values().length;
          if (prop === "options" && typeof q.min === "number" && q.min > values().length) q.min = values().length;
          sync();
          say([t("removed", { title: gone }), ...notes].join(" "));
          render(i + ":" + prop + ":" + Math.max(0, k - 1));
        })));
      ol.append(row);
    });
    box.append(ol);
    box.append(toolButton("＋ " + addText, i + ":" + prop + ":add", null, false, () => {
      const current = values();
      let n = current.length + 1;
      let label = S.new_option + n;
      while (current.includes(label)) label = S.new_option + (++n);
      current.push(label);
      sync();
      render(i + ":" + prop + ":" + (current.length - 1));
      const input = list.querySelector('[data-ref="' + i + ":" + prop + ":" + (current.length - 1) + '"]');
      if (input) input.select();
    }));
    return box;
  }

  function moveValue(q, i, prop, values, k, step) {
    const j = k + step;
    if (j < 0 || j >= values.length) return;
    [values[k], values[j]] = [values[j], values[k]];
    sync();
    render(i + ":" + prop + ":" + j + (step < 0 ? ":up" : ":down"));
  }

  function numberInput(ref, value, low, high, onChange) {
    const input = el("input", { type: "number", "data-ref": ref, min: low, max: high, step: 1, value: value === undefined ? "" : value, inputmode: "numeric" });
    input.addEventListener("input", () => {
      const n = parseInt(input.value, 10);
      onChange(Number.isNaN(n) ? undefined : n);
      sync();
    });
    return input;
  }

  function chooseEditor(q, i) {
    const total = Array.isArray(q.options) ? q.options.length : 0;
    return el("div", { class: "bq-inline" },
      field(S.min, numberInput(i + ":min", q.min, 0, total, (n) => { if (n === undefined) delete q.min; else q.min = n; })),
      field(S.max, numberInput(i + ":max", q.max, 1, total, (n) => { if (n === undefined) delete q.max; else q.max = n; })));
  }

  function conditionEditor(q, i) {
    const targets = targetsBefore(i);
    if (!targets.length && !q.show_if) return null;
    const box = el("fieldset", { class: "bq-condition" }, el("legend", { text: S.condition }));
    const select = el("select", { "data-ref": i + ":condition", "aria-label": S.condition + "：" + itemName(i) });
    select.append(el("option", { value: "", text: S.always }));
    targets.forEach(([j, target]) => {
      select.append(el("option", { value: target.key, "data-for": j, selected: q.show_if && q.show_if.q === target.key, text: t("when", { n: j + 1, title: titleOf(target) }) }));
    });
    select.addEventListener("change", () => {
      const target = spec.questions.find((x) => x.key === select.value);
      if (!target) delete q.show_if;
      else if (labelsOf(target).length) q.show_if = { q: target.key, any_of: [labelsOf(target)[0]] };
      else q.show_if = { q: target.key, min: kindOf(target).range[0], max: kindOf(target).range[1] };
      sync();
      render(i + ":condition");
    });
    box.append(select);
    const target = q.show_if && spec.questions.find((x) => x.key === q.show_if.q);
    if (target && labelsOf(target).length) {
      const chosen = new Set(q.show_if.any_of || []);
      const group = el("div", { class: "bq-any", role: "group", "aria-label": S.any_of }, el("span", { class: "hint", text: S.any_of }));
      labelsOf(target).forEach((label, k) => {
        const box2 = el("input", { type: "checkbox", "data-ref": i + ":any:" + k, checked: chosen.has(label) });
        box2.addEventListener("change", () => {
          const now = new Set(q.show_if.any_of || []);
          if (box2.checked) now.add(label); else now.delete(label);
          q.show_if.any_of = labelsOf(target).filter((l) => now.has(l)); // in the target's order
          sync();
        });
        group.append(el("label", { class: "bq-check" }, box2, " " + label));
      });
      box.append(group);
    } else if (target && kindOf(target).range) {
      const [low, high] = kindOf(target).range;
      box.append(el("div", { class: "bq-inline" },
        field(S.from, numberInput(i + ":from", q.show_if.min, low, high, (n) => { q.show_if.min = n === undefined ? low : n; })),
        field(S.to, numberInput(i + ":to", q.show_if.max, low, high, (n) => { q.show_if.max = n === undefined ? high : n; }))));
    }
    return box;
  }

  // -- actions ---------------------------------------------------------------------------------

  function move(i, step) {
    const j = i + step;
    if (j < 0 || j >= spec.questions.length) return;
    const qs = spec.questions;
    [qs[i], qs[j]] = [qs[j], qs[i]];
    const notes = repairConditions();
    marked = null;
    sync();
    render(j + (step < 0 ? ":up" : ":down"));
    say([t("moved", { n: j + 1 }), ...notes].join(" "));
  }

  function remove(i) {
    const [gone] = spec.questions.splice(i, 1);
    undo = { index: i, item: JSON.parse(JSON.stringify(gone)), before: JSON.stringify(spec) };
    const notes = repairConditions();
    marked = null;
    sync();
    const next = spec.questions.length ? Math.min(i, spec.questions.length - 1) + ":remove" : null;
    render(next);
    if (!next) tools.querySelector("button").focus();
    say([t("removed", { title: titleOf(gone) }), ...notes].join(" "), true);
  }

  function restore() {
    if (!undo) return;
    spec = JSON.parse(undo.before); // conditions dropped with the question come back too
    spec.questions.splice(undo.index, 0, undo.item);
    const done = undo;
    undo = null;
    sync();
    render(done.index + ":title");
    say(t("restored", { title: titleOf(done.item) }));
  }

  tools.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-add]");
    if (!button || spec === null) return;
    const kind = KINDS.get(button.dataset.add);
    const item = JSON.parse(JSON.stringify(kind.template));
    if (kind.answered) item.key = freshKey();
    spec.questions.push(item);
    sync();
    const i = spec.questions.length - 1;
    render(i + ":title");
    const input = list.querySelector('[data-ref="' + i + ':title"]');
    if (input) {
      input.select();
      input.scrollIntoView({ block: "center" });
    }
    say(t("added", { n: i + 1 }));
  });

  // Typing or pasting JSON (an import) updates the editor once it reads; until then the editor
  // waits, so the two never disagree, and what was typed stays in the text area.
  let typingTimer = null;
  area.addEventListener("input", () => {
    clearTimeout(typingTimer);
    typingTimer = setTimeout(() => {
      load(false);
      if (spec !== null) {
        say(S.imported);
        schedulePreview();
      }
    }, 400);
  });

  function load(initial) {
    try {
      spec = read(area.value);
      ensureKeys();
      hideJsonError();
      if (!initial) marked = null;
    } catch (error) {
      spec = null;
      showJsonError(t("bad_json", { error: error.message }));
    }
    render();
  }

  if (titleInput) {
    const showTitle = () => { previewTitle.textContent = titleInput.value; };
    titleInput.addEventListener("input", showTitle);
    showTitle();
  }

  root.hidden = false;
  aside.hidden = false;
  form.parentElement.classList.add("with-preview");
  // The JSON stays one click away; it opens by itself when it holds the error.
  details.open = Boolean(details.querySelector(".field.has-error"));
  load(true);
  if (spec !== null) preview();
})();
