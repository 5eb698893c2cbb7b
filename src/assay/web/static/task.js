// The task page: keyboard, autosave, self-QC messages, spans, ranking, timer, submit and skip.
// Model output on this page is rendered by the server; this script never builds HTML from it
// (text goes through textContent and createTextNode only).
(function () {
  "use strict";
  const cfg = JSON.parse(document.getElementById("task-config").textContent);
  const S = (s, values) => {
    let out = cfg.strings[s] || s;
    for (const k in values || {}) out = out.replace("{" + k + "}", values[k]);
    return out;
  };
  const form = document.getElementById("task");
  const blocks = () => Array.from(form.querySelectorAll("fieldset.q")).filter((b) => !b.classList.contains("hidden-by-rule"));
  const questions = Object.fromEntries(cfg.questions.map((q) => [q.key, q]));
  let active = 0;
  let dirty = false;
  const rankState = new Map(); // block id -> {order: [letters], tied: [bool], touched}
  const spanState = new Map(); // block id -> [spans]
  let pending = null; // a span waiting for its label: {block, start, end, quote}

  // ---------------------------------------------------------------- timer
  const startedAt = Date.now();
  let hiddenMs = 0, hiddenSince = null;
  document.addEventListener("visibilitychange", () => {
    if (document.hidden) hiddenSince = Date.now();
    else if (hiddenSince) { hiddenMs += Date.now() - hiddenSince; hiddenSince = null; }
  });
  const elapsed = () => cfg.time_spent_ms + (Date.now() - startedAt - hiddenMs - (hiddenSince ? Date.now() - hiddenSince : 0));
  const timer = document.getElementById("timer");
  setInterval(() => {
    const s = Math.floor(elapsed() / 1000);
    timer.textContent = Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
  }, 500);

  // ---------------------------------------------------------------- reading and writing answers
  const codepoints = (text) => Array.from(text).length;
  const plainOf = (letter) => form.querySelector('pre.plain[data-letter="' + letter + '"]');

  function rankValue(st) {
    if (!st.touched) return null;
    const groups = [];
    st.order.forEach((letter, i) => {
      if (i > 0 && st.tied[i]) groups[groups.length - 1] += "=" + letter;
      else groups.push(letter);
    });
    return groups;
  }

  function valueOf(b) {
    const kind = b.dataset.kind;
    const checked = (name) => Array.from(b.querySelectorAll('input[name="' + name + '"]:checked')).map((i) => i.value);
    const name = b.dataset.key + (b.dataset.letter ? "." + b.dataset.letter : "");
    if (kind === "rating") { const v = checked(name); return v.length ? Number(v[0]) : null; }
    if (kind === "choice") {
      const v = checked(name);
      if (questions[b.dataset.key].multiple) return v.length ? v : null;
      return v.length ? v[0] : null;
    }
    if (kind === "compare") {
      const w = checked(name), s = checked(name + ".strength");
      if (!w.length) return null;
      return { winner: w[0], strength: s.length && w[0] !== "tie" ? Number(s[0]) : null };
    }
    if (kind === "rank") return rankValue(rankState.get(b.id));
    if (kind === "text") { const v = b.querySelector("textarea").value; return v.trim() ? v : null; }
    if (kind === "span") return spanState.get(b.id) || [];
    return null;
  }

  function collect() {
    const answers = {};
    for (const b of form.querySelectorAll("fieldset.q")) {
      if (b.classList.contains("hidden-by-rule")) continue;
      const v = valueOf(b);
      if (b.dataset.letter) {
        answers[b.dataset.key] = answers[b.dataset.key] || {};
        answers[b.dataset.key][b.dataset.letter] = v;
      } else if (v !== null) answers[b.dataset.key] = v;
    }
    for (const k in answers) {
      if (typeof answers[k] === "object" && !Array.isArray(answers[k]) && answers[k] !== null && !("winner" in answers[k])) {
        if (Object.values(answers[k]).every((v) => v === null)) delete answers[k];
      }
    }
    return answers;
  }

  function setBlock(b, v) {
    if (v === null || v === undefined) return;
    const kind = b.dataset.kind;
    const name = b.dataset.key + (b.dataset.letter ? "." + b.dataset.letter : "");
    const tick = (n, val) => { const i = b.querySelector('input[name="' + n + '"][value="' + CSS.escape(String(val)) + '"]'); if (i) i.checked = true; };
    if (kind === "rating") tick(name, v);
    else if (kind === "choice") (Array.isArray(v) ? v : [v]).forEach((x) => tick(name, x));
    else if (kind === "compare") { tick(name, v.winner); if (v.strength != null) tick(name + ".strength", v.strength); }
    else if (kind === "text") b.querySelector("textarea").value = v;
    else if (kind === "rank") {
      const st = rankState.get(b.id);
      st.order = []; st.tied = [];
      v.forEach((group) => group.split("=").forEach((letter, j) => { st.order.push(letter); st.tied.push(j > 0); }));
      st.touched = true;
      renderRank(b);
    } else if (kind === "span") { spanState.set(b.id, v.map((s) => Object.assign({}, s))); renderSpans(b); }
  }

  function applyAnswers(answers) {
    for (const b of form.querySelectorAll("fieldset.q")) {
      const v = answers[b.dataset.key];
      if (v === undefined) continue;
      setBlock(b, b.dataset.letter ? (v || {})[b.dataset.letter] : v);
    }
  }

  // ---------------------------------------------------------------- rank
  function renderRank(b) {
    const st = rankState.get(b.id);
    const ol = b.querySelector("ol.rank");
    st.order.forEach((letter, i) => {
      const li = ol.querySelector('li[data-letter="' + letter + '"]');
      ol.appendChild(li);
      li.querySelector("kbd").textContent = String(i + 1);
      li.querySelector(".tie-mark").textContent = st.tied[i] ? "= " + S("tied with the one above") : "";
      li.classList.toggle("selected", st.selected === i);
    });
    b.classList.toggle("answered", st.touched);
  }

  function rankSelect(b, i) {
    const st = rankState.get(b.id);
    if (i >= 0 && i < st.order.length) { st.selected = i; renderRank(b); }
  }

  function rankMove(b, delta) {
    const st = rankState.get(b.id);
    const i = st.selected === undefined ? 0 : st.selected, j = i + delta;
    if (j < 0 || j >= st.order.length) { st.touched = true; renderRank(b); changed(); return; }
    [st.order[i], st.order[j]] = [st.order[j], st.order[i]];
    st.tied[0] = false;
    st.selected = j; st.touched = true;
    renderRank(b); changed();
  }

  function rankTie(b) {
    const st = rankState.get(b.id);
    if (b.querySelector("ol.rank").dataset.allowTies !== "true" || !st.selected) return;
    st.tied[st.selected] = !st.tied[st.selected];
    st.touched = true; renderRank(b); changed();
  }

  // ---------------------------------------------------------------- spans
  function renderSpans(b) {
    const spans = spanState.get(b.id) || [];
    const q = questions[b.dataset.key];
    const ul = b.querySelector("ul.spans");
    ul.replaceChildren();
    spans.forEach((s, i) => {
      const li = document.createElement("li");
      const labelIndex = q.labels.findIndex((l) => l.name === s.label) + 1;
      li.className = "span-item label-" + labelIndex;
      const head = document.createElement("span");
      head.textContent = s.label + ": “" + (s.quote || "") + "”";
      li.appendChild(head);
      for (const field of ["comment", "fix"]) {
        const needed = field === "comment" ? q.require_comment : q.require_fix;
        const input = document.createElement("input");
        input.placeholder = S(field === "comment" ? "Comment" : "Suggested fix") + (needed ? " *" : "");
        input.value = s[field] || "";
        input.className = "span-" + field;
        input.addEventListener("input", () => { s[field] = input.value || null; changed(); });
        li.appendChild(input);
      }
      const del = document.createElement("button");
      del.type = "button"; del.textContent = S("Delete");
      del.addEventListener("click", () => { spans.splice(i, 1); renderSpans(b); changed(); });
      li.appendChild(del);
      ul.appendChild(li);
    });
    highlight(b.dataset.letter);
  }

  function highlight(letter) {
    const pre = plainOf(letter);
    if (!pre) return;
    const text = Array.from(pre.dataset.text);
    const marks = [];
    for (const b of form.querySelectorAll('fieldset.q-span[data-letter="' + letter + '"]')) {
      const q = questions[b.dataset.key];
      for (const s of spanState.get(b.id) || []) marks.push([s.start, s.end, q.labels.findIndex((l) => l.name === s.label) + 1]);
    }
    marks.sort((x, y) => x[0] - y[0]);
    pre.replaceChildren();
    let at = 0;
    for (const [start, end, label] of marks) {
      if (start < at) continue; // overlapping spans: the list shows them all, the text marks the first
      pre.appendChild(document.createTextNode(text.slice(at, start).join("")));
      const mark = document.createElement("mark");
      mark.className = "label-" + label;
      mark.textContent = text.slice(start, end).join("");
      pre.appendChild(mark);
      at = end;
    }
    pre.appendChild(document.createTextNode(text.slice(at).join("")));
  }

  function selectionIn(letter) {
    const sel = window.getSelection();
    const pre = plainOf(letter);
    if (!pre || !sel || sel.isCollapsed || !sel.rangeCount) return null;
    const range = sel.getRangeAt(0);
    if (!pre.contains(range.startContainer) || !pre.contains(range.endContainer)) return null;
    const before = document.createRange();
    before.setStart(pre, 0);
    before.setEnd(range.startContainer, range.startOffset);
    const start = codepoints(before.toString());
    const quote = range.toString();
    return { start: start, end: start + codepoints(quote), quote: quote };
  }

  function markSpan(b) {
    const letter = b.dataset.letter;
    const found = selectionIn(letter);
    if (found) { beginLabel(b, found); return; }
    const dialog = document.getElementById("find-dialog");
    const input = document.getElementById("find-text");
    input.value = "";
    dialog.onclose = () => {
      if (dialog.returnValue !== "ok" || !input.value) { focusBlock(b); return; }
      const text = plainOf(letter).dataset.text;
      const spans = spanState.get(b.id) || [];
      // Look after the last marked span first, so repeated phrases can be marked in turn.
      const after = spans.length ? Math.max(...spans.map((s) => s.end)) : 0;
      const rest = Array.from(text).slice(after).join("");
      let start = -1;
      const idx = rest.indexOf(input.value);
      if (idx >= 0) start = after + codepoints(rest.slice(0, idx));
      else if (text.indexOf(input.value) >= 0) start = codepoints(text.slice(0, text.indexOf(input.value)));
      if (start < 0) { message(b, S("No such text in this response")); focusBlock(b); return; }
      beginLabel(b, { start: start, end: start + codepoints(input.value), quote: input.value });
      focusBlock(b);
    };
    dialog.showModal();
  }

  function beginLabel(b, found) {
    pending = Object.assign({ block: b }, found);
    b.classList.add("picking");
    message(b, S("Select the label for the span"));
    focusBlock(b);
  }

  function finishLabel(n) {
    const b = pending.block;
    const q = questions[b.dataset.key];
    if (n < 1 || n > q.labels.length) return;
    const spans = spanState.get(b.id) || [];
    spans.push({ start: pending.start, end: pending.end, label: q.labels[n - 1].name, quote: pending.quote, comment: null, fix: null });
    spanState.set(b.id, spans);
    pending = null;
    b.classList.remove("picking");
    message(b, "");
    renderSpans(b);
    changed();
    if (q.require_comment || q.require_fix) {
      const inputs = b.querySelectorAll("ul.spans li:last-child input");
      if (inputs.length) inputs[0].focus();
    }
  }

  // ---------------------------------------------------------------- messages, focus
  function message(b, text) {
    const p = b.querySelector(".msg");
    if (p) p.textContent = text;
    b.classList.toggle("has-error", !!text && !pending);
  }

  function clearMessages() {
    form.querySelectorAll(".msg").forEach((p) => { p.textContent = ""; });
    form.querySelectorAll(".has-error").forEach((b) => b.classList.remove("has-error"));
    document.getElementById("confirm").hidden = true;
  }

  function focusBlock(b) {
    const list = blocks();
    const i = list.indexOf(b);
    if (i >= 0) setActive(i);
  }

  function setActive(i) {
    const list = blocks();
    if (!list.length) return;
    active = Math.max(0, Math.min(i, list.length - 1));
    list.forEach((b, j) => b.classList.toggle("active", j === active));
    list[active].focus({ preventScroll: true });
    list[active].scrollIntoView({ block: "nearest" });
  }

  const current = () => blocks()[active];

  // ---------------------------------------------------------------- saving and submitting
  let saveTimer = null;
  const state = document.getElementById("save-state");

  async function api(method, url, body) {
    const response = await fetch(url, {
      method: method, credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": cfg.csrf },
      body: JSON.stringify(body),
    });
    let data = null;
    try { data = await response.json(); } catch (e) { data = null; }
    return { ok: response.ok, status: response.status, data: data };
  }

  function changed() {
    dirty = true;
    form.querySelectorAll("fieldset.q").forEach((b) => b.classList.toggle("answered", valueOf(b) !== null && !(b.dataset.kind === "span")));
    if (cfg.mode !== "task") return;
    clearTimeout(saveTimer);
    saveTimer = setTimeout(saveDraft, 700);
  }

  async function saveDraft() {
    state.textContent = S("Saving…");
    try {
      const r = await api("PUT", "/api/assignments/" + cfg.target + "/draft", { answers: collect() });
      state.textContent = r.ok ? S("Saved") : S("Not saved: {error}", { error: (r.data && r.data.detail) || r.status });
      if (r.ok) dirty = false;
      if (r.ok) refreshVisibility();
    } catch (e) { state.textContent = S("Network error; your answers are kept. Try again."); }
  }

  async function refreshVisibility() {
    const r = await api("POST", "/api/projects/" + cfg.project + "/visibility", { answers: collect(), responses: cfg.responses.length });
    if (!r.ok || !r.data) return;
    const hidden = new Set(r.data.hidden.map((h) => h.question + "." + (h.response || "")));
    form.querySelectorAll("fieldset.q").forEach((b) => {
      b.classList.toggle("hidden-by-rule", hidden.has(b.dataset.key + "." + (b.dataset.letter || "")));
    });
  }

  function showIssues(detail) {
    clearMessages();
    const confirms = [];
    let first = null;
    for (const issue of detail) {
      if (issue.confirm) { confirms.push(issue); continue; }
      const id = "q-" + issue.question + (issue.response ? "-" + issue.response : "");
      const b = document.getElementById(id);
      if (b) { message(b, issue.message); if (!first) first = b; }
      else document.getElementById("form-msg").textContent += issue.message + " ";
    }
    if (first) {
      document.getElementById("form-msg").textContent = S("Fix the marked questions first.");
      focusBlock(first);
      return;
    }
    if (confirms.length) {
      const box = document.getElementById("confirm");
      const ul = box.querySelector("ul");
      ul.replaceChildren();
      for (const c of confirms) {
        const li = document.createElement("li");
        li.textContent = (c.response ? c.response + ": " : "") + c.message;
        ul.appendChild(li);
        const b = document.getElementById("q-" + c.question + (c.response ? "-" + c.response : ""));
        if (b) b.classList.add("has-warning");
      }
      box.hidden = false;
      document.getElementById("btn-confirm").focus();
    }
  }

  let submitting = false;
  async function submit(confirm) {
    if (submitting) return;
    submitting = true;
    clearTimeout(saveTimer);
    state.textContent = S("Submitting…");
    const body = { answers: collect(), time_spent_ms: Math.round(elapsed()), confirm: !!confirm };
    try {
      const r = cfg.mode === "task"
        ? await api("POST", "/api/assignments/" + cfg.target + "/submit", body)
        : await api("PUT", "/api/judgements/" + cfg.target, body);
      if (r.ok) {
        dirty = false;
        state.textContent = S("Submitted");
        window.location.href = cfg.mode === "task" ? "/p/" + cfg.project + "/work" : "/p/" + cfg.project + "/history";
        return;
      }
      state.textContent = "";
      if (r.status === 422 && Array.isArray(r.data.detail)) showIssues(r.data.detail);
      else document.getElementById("form-msg").textContent = (r.data && r.data.detail) || String(r.status);
    } catch (e) {
      document.getElementById("form-msg").textContent = S("Network error; your answers are kept. Try again.");
    } finally { submitting = false; }
  }

  function skip() {
    if (cfg.mode !== "task") return;
    const dialog = document.getElementById("skip-dialog");
    const reason = document.getElementById("skip-reason");
    dialog.onclose = async () => {
      if (dialog.returnValue !== "skip" || !reason.value.trim()) return;
      const r = await api("POST", "/api/assignments/" + cfg.target + "/skip", { reason: reason.value.trim() });
      if (r.ok) window.location.href = "/p/" + cfg.project + "/work";
      else document.getElementById("form-msg").textContent = (r.data && r.data.detail) || String(r.status);
    };
    dialog.showModal();
    reason.focus();
  }

  // ---------------------------------------------------------------- panels
  const toggle = (id) => { const p = document.getElementById(id); p.hidden = !p.hidden; if (!p.hidden && id === "guide") document.getElementById("guide-search").focus(); };
  document.getElementById("btn-guide").addEventListener("click", () => toggle("guide"));
  document.getElementById("btn-help").addEventListener("click", () => toggle("help"));
  document.getElementById("guide-search").addEventListener("input", (e) => {
    const needle = e.target.value.trim().toLowerCase();
    document.querySelectorAll("#guide .guide-section").forEach((s) => {
      const hit = !needle || s.textContent.toLowerCase().includes(needle);
      s.hidden = !hit;
      if (hit && needle && s.tagName === "DETAILS") s.open = true;
    });
  });

  // ---------------------------------------------------------------- keyboard
  const keyName = (e) => {
    let key = e.key;
    if (e.altKey && /^Key[A-Z]$/.test(e.code)) key = e.code.slice(3).toLowerCase(); // Alt+s is "ß" on a Mac
    return (e.ctrlKey || e.metaKey ? "Ctrl+" : "") + (e.altKey ? "Alt+" : "") + (e.shiftKey && key.length > 1 ? "Shift+" : "") + key;
  };
  const actionFor = {};
  for (const name in cfg.shortcuts) actionFor[cfg.shortcuts[name]] = name;

  function pickNumber(b, n) {
    const kind = b.dataset.kind;
    if (kind === "rating" || kind === "choice") {
      const inputs = b.querySelectorAll(".options input");
      if (inputs[n - 1]) { inputs[n - 1].click(); }
    } else if (kind === "compare") {
      const inputs = b.querySelectorAll(".strength input");
      if (inputs[n - 1]) inputs[n - 1].click();
    } else if (kind === "rank") rankSelect(b, n - 1);
  }

  function compareBlock() {
    const b = current();
    if (b && b.dataset.kind === "compare") return b;
    return blocks().find((x) => x.dataset.kind === "compare" && valueOf(x) === null) || blocks().find((x) => x.dataset.kind === "compare");
  }

  function run(action, e) {
    const b = current();
    switch (action) {
      case "next_question": setActive(active + 1); break;
      case "prev_question": setActive(active - 1); break;
      case "prefer_a": case "prefer_b": case "tie": {
        const c = compareBlock();
        if (!c) return false;
        const value = action === "prefer_a" ? "A" : action === "prefer_b" ? "B" : "tie";
        const input = c.querySelector('.compare input[value="' + value + '"]');
        if (input) { input.click(); focusBlock(c); }
        break;
      }
      case "move_up": if (b && b.dataset.kind === "rank") rankMove(b, -1); else return false; break;
      case "move_down": if (b && b.dataset.kind === "rank") rankMove(b, 1); else return false; break;
      case "tie_above": if (b && b.dataset.kind === "rank") rankTie(b); else return false; break;
      case "edit_text": { const t = b && b.querySelector("textarea"); if (t) t.focus(); else return false; break; }
      case "mark_span": if (b && b.dataset.kind === "span") markSpan(b); else return false; break;
      case "delete_span": {
        if (!b || b.dataset.kind !== "span") return false;
        const spans = spanState.get(b.id) || [];
        spans.pop(); renderSpans(b); changed(); break;
      }
      case "submit": submit(false); break;
      case "skip": skip(); break;
      case "guidelines": toggle("guide"); break;
      case "help": toggle("help"); break;
      default: return false;
    }
    e.preventDefault();
    return true;
  }

  document.addEventListener("keydown", (e) => {
    if (document.querySelector("dialog[open]")) return;
    const key = keyName(e);
    const typing = e.target.matches("textarea, input:not([type=radio]):not([type=checkbox]), select");
    if (typing) {
      if (key === "Escape") { e.target.blur(); const b = e.target.closest("fieldset.q"); if (b) focusBlock(b); e.preventDefault(); }
      else if (actionFor[key] === "submit") { e.preventDefault(); submit(false); }
      return;
    }
    if (pending && /^[1-9]$/.test(key)) { finishLabel(Number(key)); e.preventDefault(); return; }
    if (pending && key === "Escape") { pending.block.classList.remove("picking"); message(pending.block, ""); pending = null; return; }
    if (/^[1-9]$/.test(key) && current()) { pickNumber(current(), Number(key)); e.preventDefault(); return; }
    if (key === "Enter" && current() && current().dataset.kind === "rank") {
      const st = rankState.get(current().id); st.touched = true; renderRank(current()); changed(); e.preventDefault(); return;
    }
    if (actionFor[key]) run(actionFor[key], e);
  });

  // ---------------------------------------------------------------- wiring
  form.addEventListener("submit", (e) => { e.preventDefault(); submit(false); });
  form.addEventListener("change", changed);
  form.addEventListener("input", (e) => {
    const t = e.target;
    if (t.tagName === "TEXTAREA") {
      const b = t.closest("fieldset.q");
      b.querySelector(".count .n").textContent = String(t.value.trim().length);
    }
  });
  form.addEventListener("focusin", (e) => { const b = e.target.closest("fieldset.q"); if (b) { const i = blocks().indexOf(b); if (i >= 0 && i !== active) { active = i; blocks().forEach((x, j) => x.classList.toggle("active", j === active)); } } });
  document.getElementById("btn-confirm").addEventListener("click", () => submit(true));
  document.getElementById("btn-back").addEventListener("click", () => { document.getElementById("confirm").hidden = true; setActive(active); });
  const skipButton = document.getElementById("btn-skip");
  if (skipButton) skipButton.addEventListener("click", skip);
  form.querySelectorAll(".show-plain").forEach((box) => box.addEventListener("change", () => {
    plainOf(box.dataset.letter).hidden = !box.checked;
    form.querySelector('.rendered[data-letter="' + box.dataset.letter + '"]').hidden = box.checked;
  }));
  form.querySelectorAll("ol.rank li").forEach((li) => li.addEventListener("click", () => {
    const b = li.closest("fieldset.q");
    rankSelect(b, rankState.get(b.id).order.indexOf(li.dataset.letter));
    focusBlock(b);
  }));
  form.querySelectorAll("pre.plain").forEach((pre) => { pre.dataset.text = pre.textContent; });
  form.querySelectorAll("fieldset.q-rank").forEach((b) => {
    rankState.set(b.id, { order: cfg.responses.slice(), tied: cfg.responses.map(() => false), touched: false, selected: 0 });
    renderRank(b);
  });
  form.querySelectorAll("fieldset.q-span").forEach((b) => spanState.set(b.id, []));
  window.addEventListener("beforeunload", (e) => { if (dirty && cfg.mode === "edit") e.preventDefault(); });

  applyAnswers(cfg.answers || {});
  form.querySelectorAll("fieldset.q-text textarea").forEach((t) => { t.closest("fieldset.q").querySelector(".count .n").textContent = String(t.value.trim().length); });
  changedQuietly();
  setActive(0);
  refreshVisibility();

  function changedQuietly() {
    form.querySelectorAll("fieldset.q").forEach((b) => b.classList.toggle("answered", valueOf(b) !== null && b.dataset.kind !== "span"));
  }
})();
