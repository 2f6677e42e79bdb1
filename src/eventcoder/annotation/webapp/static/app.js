// eventcoder review: the page. Plain DOM, no framework, no build step.
//
// Every piece of task data (text, labels, meta) reaches the page through textContent or text
// nodes, never innerHTML, so a news text holding markup shows it literally. The server
// rebuilds offsets and events from what is sent here; this page only keeps the edits.
// The page's own ?session=NAME (the annotator) goes with every request.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);

  // Colours of the built-in labels: [strong, tint]. Plugin labels take the palette in turn.
  const KNOWN_COLOURS = {
    MEETING: ["#2563eb", "#dbeafe"], STATEMENT: ["#7c3aed", "#ede9fe"],
    AGREEMENT: ["#059669", "#d1fae5"], REFUSAL: ["#dc2626", "#fee2e2"],
    ACTOR: ["#b45309", "#fef3c7"], PLACE: ["#0f766e", "#ccfbf1"], TIME: ["#be185d", "#fce7f3"],
    TOPIC: ["#4d7c0f", "#ecfccb"], CONTENT: ["#475569", "#e2e8f0"],
  };
  const PALETTE = [["#0369a1", "#e0f2fe"], ["#a21caf", "#fae8ff"], ["#c2410c", "#ffedd5"],
    ["#15803d", "#dcfce7"], ["#4338ca", "#e0e7ff"], ["#9f1239", "#ffe4e6"]];
  const SHORTCUTS = { a: "accept", x: "reject", " ": "ignore", Backspace: "undo" };
  const DONE_WORDS = { accept: "Accepted", reject: "Rejected", ignore: "Skipped" };
  // An actor's name and codes (when a span has them): shown beside it, editable, kept.
  const ATTRIBUTES = ["name", "code", "sector"];
  const SESSION = new URLSearchParams(location.search).get("session") || "";
  const SVG = "http://www.w3.org/2000/svg";

  const S = {
    types: new Map(), kinds: new Map(), labels: [], colours: new Map(), modalities: [],
    client: clientId(), task: null, spans: [], relations: [], overlapping: [],
    active: null, selection: null, drag: null, busy: false, mode: "review",
  };

  // ---- helpers -------------------------------------------------------------------------

  /** An element with properties and children; strings become text nodes. */
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "data") Object.assign(node.dataset, value);
      else if (key === "colour") { node.style.setProperty("--fg", value[0]); node.style.setProperty("--bg", value[1]); }
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node[key] = value;
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function clientId() {
    // One id per browser tab (it keeps its task over a reload); works without a secure context.
    let id = sessionStorage.getItem("eventcoder-client");
    if (!id) {
      id = Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, "0")).join("");
      sessionStorage.setItem("eventcoder-client", id);
    }
    return id;
  }

  async function api(path, body) {
    if (SESSION) path += (path.includes("?") ? "&" : "?") + "session=" + encodeURIComponent(SESSION);
    const options = body === undefined ? {} : {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
    };
    let response;
    try {
      response = await fetch(path, options);
    } catch (error) {
      return { status: 0, data: { error: "cannot reach the review server: is it still running?" } };
    }
    let data = null;
    try { data = await response.json(); } catch (error) { data = { error: response.statusText }; }
    return { status: response.status, data };
  }

  const keyOf = (first, last) => `${first}:${last}`;
  const spanKey = (span) => keyOf(span.token_start, span.token_end);
  const isTrigger = (span) => S.types.has(span.label);
  const findSpan = (key) => S.spans.find((span) => spanKey(span) === key);
  const colour = (label) => S.colours.get(label) || ["#475569", "#e2e8f0"];
  const range = (span) => ({ token_start: span.token_start, token_end: span.token_end });

  function textOf(first, last) {
    const tokens = S.task.tokens;
    return S.task.text.slice(tokens[first].start, tokens[last].end);
  }

  function status(message, kind) {
    const box = $("status");
    box.textContent = message || "";
    box.className = "status" + (kind ? " " + kind : "");
  }

  // ---- task state and edits ------------------------------------------------------------

  const attributesOf = (s) => Object.fromEntries(ATTRIBUTES.filter((k) => k in s).map((k) => [k, s[k] ?? ""]));
  const spanState = (s) => ({ ...range(s), label: s.label, modality: s.modality, score: s.score, extractors: s.extractors, ...attributesOf(s) });

  /** The editor's spans and relations from a task, or from one annotator's version of it. */
  function loadEdits(source) {
    S.active = S.selection = null;
    S.spans = (source.spans || []).map(spanState);
    S.relations = (source.relations || []).map((r) => ({ head: spanKey(r.head_span), child: spanKey(r.child_span), label: r.label }));
    S.overlapping = (source.overlapping_relations || []).map((r) => ({
      head: spanKey(r.head_span), child: { ...range(r.child_span), label: r.child_span.label }, label: r.label,
    }));
  }

  function loadTask(task) {
    S.task = task;
    loadEdits(task);
    render();
    renderVersions();
  }

  function overlaps(first, last) {
    return S.spans.some((s) => s.token_start <= last && first <= s.token_end);
  }

  function removeSpan(key) {
    S.spans = S.spans.filter((s) => spanKey(s) !== key);
    S.relations = S.relations.filter((r) => r.head !== key && r.child !== key);
    S.overlapping = S.overlapping.filter((r) => r.head !== key);
    if (S.active === key) S.active = null;
  }

  function setLabel(key, label) {
    const span = findSpan(key);
    const type = S.types.get(label);
    span.label = label;
    // Keep only the roles the new label can have: none unless it is an event type.
    const keeps = (r) => r.head !== key || (type && type.roles.some((role) => role.name === r.label));
    S.relations = S.relations.filter(keeps);
    S.overlapping = S.overlapping.filter(keeps);
    if (type) span.modality = span.modality || "asserted";
    else if (S.active === key) S.active = null;
    // A proposal's score and extractors describe the label it proposed.
    span.score = span.extractors = undefined;
  }

  function dropRepeat(head, role) {
    // A role that may not repeat is replaced, not doubled.
    const spec = S.types.get(findSpan(head).label).roles.find((r) => r.name === role);
    if (spec && !spec.repeats) {
      S.relations = S.relations.filter((r) => !(r.head === head && r.label === role));
      S.overlapping = S.overlapping.filter((r) => !(r.head === head && r.label === role));
    }
  }

  function addSpan(first, last, label) {
    S.spans.push({ token_start: first, token_end: last, label, modality: S.types.has(label) ? "asserted" : undefined });
    S.spans.sort((a, b) => a.token_start - b.token_start);
    return keyOf(first, last);
  }

  function addRelation(head, child, role) {
    dropRepeat(head, role);
    S.relations = S.relations.filter((r) => !(r.head === head && r.child === child && r.label === role));
    S.relations.push({ head, child, label: role });
  }

  function addClause(head, first, last, role) {
    const kind = S.types.get(findSpan(head).label).roles.find((r) => r.name === role).kind;
    dropRepeat(head, role);
    S.overlapping.push({ head, child: { token_start: first, token_end: last, label: kind }, label: role });
  }

  function argumentOf(head, first, last, role) {
    const kind = S.types.get(findSpan(head).label).roles.find((r) => r.name === role).kind;
    const same = keyOf(first, last);
    // Content clauses (and anything over marked spans) are overlapping arguments, as in extract.
    if (findSpan(same)) addRelation(head, same, role);
    else if (overlaps(first, last) || S.kinds.get(kind).may_overlap) addClause(head, first, last, role);
    else addRelation(head, addSpan(first, last, kind), role);
  }

  /** Add one event of an annotator's version (its trigger, argument spans and roles) to the edits. */
  function mergeEvent(version, event) {
    const at = (start, end) => version.spans.find((s) => s.start === start && s.end === end);
    const trigger = at(event.trigger.start, event.trigger.end);
    const wanted = [trigger, ...(version.relations || []).filter((r) => spanKey(r.head_span) === spanKey(trigger)).map((r) => at(r.child_span.start, r.child_span.end))];
    const clash = wanted.find((w) => w && !findSpan(spanKey(w)) && overlaps(w.token_start, w.token_end));
    if (clash) return `“${textOf(clash.token_start, clash.token_end)}” overlaps a span of the answer: remove that first`;
    for (const w of wanted) {
      const same = w && findSpan(spanKey(w));
      if (!w) continue;
      if (!same) { S.spans.push(spanState(w)); S.spans.sort((a, b) => a.token_start - b.token_start); }
      else if (same.label !== w.label) setLabel(spanKey(w), w.label);
    }
    const key = spanKey(trigger);
    findSpan(key).modality = trigger.modality || "asserted";
    for (const r of version.relations || []) if (spanKey(r.head_span) === key) addRelation(key, spanKey(r.child_span), r.label);
    for (const r of version.overlapping_relations || []) {
      if (spanKey(r.head_span) !== key) continue;
      dropRepeat(key, r.label);
      S.overlapping = S.overlapping.filter((o) => !(o.head === key && o.label === r.label && spanKey(o.child) === spanKey(r.child_span)));
      S.overlapping.push({ head: key, child: { ...range(r.child_span), label: r.child_span.label }, label: r.label });
    }
    return null;
  }

  /** Events as the server will derive them, for display only. */
  function events() {
    return S.spans.filter(isTrigger).map((trigger) => {
      const key = spanKey(trigger);
      const args = [
        ...S.relations.filter((r) => r.head === key).map((r) => ({ relation: r, list: "relations", span: findSpan(r.child) })),
        ...S.overlapping.filter((r) => r.head === key).map((r) => ({ relation: r, list: "overlapping", span: r.child, clause: true })),
      ].filter((a) => a.span);
      args.sort((a, b) => a.span.token_start - b.span.token_start || a.span.token_end - b.span.token_end);
      return { key, trigger, args };
    });
  }

  // ---- rendering -----------------------------------------------------------------------

  function render() {
    closePopover();
    renderText();
    renderEvents();
  }

  // ---- arcs: a line from each trigger to each of its arguments, the role on it -----------

  function anchorOf(box, node) {
    const rect = (node.getClientRects()[0] || node.getBoundingClientRect());
    return { x: rect.left - box.left + rect.width / 2, y: rect.top - box.top };
  }

  function drawArcs() {
    // The arcs live beside the text, not in it, so the text box's textContent stays the task's text.
    const text = $("text");
    const svg = $("arcs");
    if (!S.task) return;
    const wrap = svg.parentElement;
    const box = wrap.getBoundingClientRect();
    svg.setAttribute("width", String(wrap.clientWidth));
    svg.setAttribute("height", String(wrap.clientHeight));
    const nodes = [];
    events().forEach((event) => {
      const head = text.querySelector(`mark[data-key="${event.key}"]`);
      if (!head) return;
      const from = anchorOf(box, head);
      event.args.forEach((arg, i) => {
        const target = arg.clause
          ? text.querySelector(`.tok[data-t="${arg.span.token_start}"]`)
          : text.querySelector(`mark[data-key="${spanKey(arg.span)}"]`);
        if (!target) return;
        const to = anchorOf(box, target);
        const lift = 12 + 4 * (i % 3);
        const top = Math.min(from.y, to.y) - lift;
        const [fg] = colour(event.trigger.label);
        const group = document.createElementNS(SVG, "g");
        group.setAttribute("class", "arc");
        group.dataset.event = event.key;
        group.dataset.role = arg.relation.label;
        group.style.setProperty("--fg", fg);
        const path = document.createElementNS(SVG, "path");
        path.setAttribute("d", `M ${from.x} ${from.y} C ${from.x} ${top}, ${to.x} ${top}, ${to.x} ${to.y}`);
        const label = document.createElementNS(SVG, "text");
        label.setAttribute("x", String((from.x + to.x) / 2));
        label.setAttribute("y", String(top + lift / 4 + 1));
        label.setAttribute("text-anchor", "middle");
        label.textContent = arg.relation.label;
        group.append(path, label);
        nodes.push(group);
      });
    });
    svg.replaceChildren(...nodes);
  }

  function renderText() {
    const box = $("text");
    const { tokens, text } = S.task;
    const owner = new Array(tokens.length).fill(null);
    for (const span of S.spans) for (let i = span.token_start; i <= span.token_end; i++) owner[i] = span;
    const clause = new Array(tokens.length).fill(null); // "on" when it belongs to the chosen trigger
    for (const r of S.overlapping) {
      for (let i = r.child.token_start; i <= r.child.token_end; i++) {
        clause[i] = clause[i] === "on" || r.head === S.active ? "on" : "off";
      }
    }
    const sel = S.selection || S.drag;
    const [selFirst, selLast] = sel ? [Math.min(sel.from, sel.to), Math.max(sel.from, sel.to)] : [-1, -2];

    const token = (i) => el("span", {
      class: "tok" + (clause[i] ? " clause" + (clause[i] === "on" ? " on" : "") : "") + (i >= selFirst && i <= selLast ? " sel" : ""),
      data: { t: i },
    }, text.slice(tokens[i].start, tokens[i].end));
    const gap = (i) => { // the text between token i and the next (or the end)
      const piece = text.slice(tokens[i].end, i + 1 < tokens.length ? tokens[i + 1].start : text.length);
      if (!piece) return null;
      const inClause = clause[i] && i + 1 < tokens.length && clause[i + 1];
      return inClause ? el("span", { class: "gap clause" + (clause[i] === "on" ? " on" : "") }, piece) : document.createTextNode(piece);
    };

    const nodes = [];
    if (tokens.length && tokens[0].start > 0) nodes.push(document.createTextNode(text.slice(0, tokens[0].start)));
    for (let i = 0; i < tokens.length;) {
      const span = owner[i];
      if (span) {
        const key = spanKey(span);
        const tag = span.label + (isTrigger(span) && span.modality && span.modality !== "asserted" ? " · " + span.modality : "");
        const mark = el("mark", {
          class: "span " + (isTrigger(span) ? "trigger" : "argument") + (key === S.active ? " active" : ""),
          data: { key }, colour: colour(span.label), title: span.label,
        });
        for (let j = span.token_start; j < span.token_end; j++) {
          mark.append(token(j));
          const g = gap(j);
          if (g) mark.append(g);
        }
        // The last word and the tag never part at a line break.
        // The tag is drawn by CSS from data-tag, so the box's textContent stays the task's text.
        mark.append(el("span", { class: "nowrap" }, token(span.token_end), el("span", { class: "tag", data: { tag } })));
        nodes.push(mark);
        i = span.token_end + 1;
        const g = gap(i - 1);
        if (g) nodes.push(g);
      } else {
        nodes.push(token(i));
        const g = gap(i);
        if (g) nodes.push(g);
        i += 1;
      }
    }
    box.replaceChildren(...nodes);
    // A trigger in the text lights up its event like its card does.
    for (const mark of box.querySelectorAll("mark.trigger")) {
      const event = events().find((e) => e.key === mark.dataset.key);
      mark.addEventListener("mouseenter", () => event && highlight(event, true));
      mark.addEventListener("mouseleave", () => event && highlight(event, false));
    }
    drawArcs();
  }

  function renderMeta(task) {
    const items = Object.entries(task.meta || {})
      .filter(([, value]) => ["string", "number", "boolean"].includes(typeof value))
      .slice(0, 8)
      .map(([key, value]) => {
        const shown = String(value);
        return el("span", { title: shown }, el("b", {}, key + " "), shown.length > 80 ? shown.slice(0, 79) + "…" : shown);
      });
    $("meta").replaceChildren(...items);
  }

  function renderEvents() {
    const list = events();
    $("event-count").textContent = String(list.length);
    if (!list.length) {
      $("events").replaceChildren(el("p", { class: "empty" }, "No events. Drag over a word to mark a trigger."));
      return;
    }
    $("events").replaceChildren(...list.map((event) => {
      const { key, trigger, args } = event;
      const modality = el("select", {
        class: "modality modality-" + (trigger.modality || "asserted"), title: "Modality",
        onchange: (e) => { trigger.modality = e.target.value; e.target.blur(); render(); },
      }, S.modalities.map((m) => el("option", { value: m, selected: m === (trigger.modality || "asserted") }, m)));
      const head = el("div", {
        class: "event-head", title: "Click to choose this trigger, then click or drag its arguments",
        onclick: (e) => { if (!e.target.closest("select, button")) choose(S.active === key ? null : key); },
      },
      el("span", { class: "event-type" }, trigger.label),
      el("span", { class: "event-trigger" }, "“" + textOf(trigger.token_start, trigger.token_end) + "”"),
      modality,
      el("button", { class: "x", type: "button", title: "Remove this event (its trigger span)", onclick: () => { removeSpan(key); render(); } }, "×"));
      const rows = args.map((arg) => el("li", { class: "arg" },
        el("span", { class: "role" }, arg.relation.label),
        el("span", { class: "arg-text" + (arg.clause ? " clause" : ""), title: arg.clause ? "content clause (overlaps other spans)" : "" },
          textOf(arg.span.token_start, arg.span.token_end)),
        !arg.clause && ATTRIBUTES.some((k) => arg.span[k])
          ? el("span", { class: "actor-attrs", title: "actor name · code · sector" }, ATTRIBUTES.map((k) => arg.span[k]).filter(Boolean).join(" · "))
          : null,
        el("button", {
          class: "x", type: "button", title: "Remove this role",
          onclick: () => {
            if (arg.list === "relations") S.relations = S.relations.filter((r) => r !== arg.relation);
            else S.overlapping = S.overlapping.filter((r) => r !== arg.relation);
            render();
          },
        }, "×")));
      const provenance = trigger.extractors && trigger.extractors.length
        ? el("div", { class: "provenance" }, `proposed by ${trigger.extractors.join(", ")}` + (trigger.score != null ? ` · score ${trigger.score}` : ""))
        : null;
      return el("div", {
        class: "event" + (key === S.active ? " active" : ""), data: { key }, colour: colour(trigger.label),
        onmouseenter: () => highlight(event, true), onmouseleave: () => highlight(event, false),
      }, head, rows.length ? el("ul", { class: "args" }, rows) : el("p", { class: "empty" }, "No arguments yet."), provenance);
    }));
  }

  function highlight(event, on) {
    const keys = [event.key, ...event.args.filter((a) => !a.clause).map((a) => spanKey(a.span))];
    for (const mark of $("text").querySelectorAll("mark.span")) {
      if (keys.includes(mark.dataset.key)) mark.classList.toggle("hl", on);
    }
    for (const arc of $("arcs").querySelectorAll(".arc")) {
      arc.classList.toggle("hl", on && arc.dataset.event === event.key);
      arc.classList.toggle("dim", on && arc.dataset.event !== event.key);
    }
    const card = $("events").querySelector(`.event[data-key="${event.key}"]`);
    if (card) card.classList.toggle("hl", on);
  }

  // ---- adjudication: each annotator's answer, the differences marked ----------------------

  function renderVersions() {
    const pane = $("versions");
    if (S.mode !== "adjudicate" || !S.task) { pane.hidden = true; return; }
    pane.hidden = false;
    const versions = S.task.versions || [];
    $("agreed").textContent = S.task.agreed ? "All annotators agree" : `${versions.length} answers differ: marked below`;
    $("agreed").className = S.task.agreed ? "agreed yes" : "agreed no";
    $("version-list").replaceChildren(...versions.map((version) => {
      const rows = version.events.map((event) => el("li", { class: "v-event" + (event.differs ? " diff" : "") },
        el("div", { class: "v-head" },
          el("span", { class: "event-type", colour: colour(event.label) }, event.label),
          el("span", { class: "v-trigger" }, "“" + event.trigger.text + "”"),
          el("span", { class: "v-modality" + (event.modality_differs ? " diff" : "") }, event.modality || "asserted"),
          el("button", {
            class: "plain add", type: "button", title: "Add this event to the answer",
            onclick: () => {
              const problem = mergeEvent(version, event);
              render();
              status(problem || `Added ${version.annotator}'s ${event.label} “${event.trigger.text}”.`, problem ? "err" : "ok");
            },
          }, "Add")),
        el("ul", { class: "v-args" }, event.arguments.map((a) => el("li", { class: a.differs ? "diff" : "" },
          el("span", { class: "role" }, a.role), a.text,
          ATTRIBUTES.some((k) => a[k]) ? el("span", { class: "actor-attrs" }, ATTRIBUTES.map((k) => a[k]).filter(Boolean).join(" · ")) : null)))));
      return el("div", { class: "version" + (version.differs ? " diff" : ""), data: { annotator: version.annotator } },
        el("div", { class: "v-title" },
          el("b", {}, version.annotator),
          el("span", { class: "v-answer v-" + version.answer }, version.answer),
          el("button", {
            class: "plain use", type: "button", title: "Start the answer from this version",
            onclick: () => { loadEdits(version); render(); status(`Started from ${version.annotator}'s answer.`, "ok"); },
          }, "Use")),
        rows.length ? el("ul", { class: "v-events" }, rows) : el("p", { class: "empty" }, "No events."));
    }));
  }

  function renderLegend() {
    const chip = (label) => el("span", { class: "chip", colour: colour(label), title: (S.types.get(label) || S.kinds.get(label)).description }, label);
    $("legend").replaceChildren(
      el("span", { class: "group" }, "Triggers"), ...[...S.types.keys()].map(chip),
      el("span", { class: "group" }, "Arguments"), ...[...S.kinds.keys()].map(chip),
      el("span", { class: "chip clause-chip", title: "An argument overlapping other spans (a statement's content)" }, "content clause"),
    );
  }

  function renderProgress(progress) {
    if (!progress) return;
    const { done, total, complete } = progress;
    $("progress-text").textContent = total != null ? `${done} / ${total} done` : `${done} done`;
    $("meter-fill").style.width = total ? `${Math.min(100, (100 * done) / total)}%` : "0";
    // Without overlap the team shares the input: say how much of it is finished.
    $("team-progress").textContent = complete != null && complete !== done ? `team: ${complete} finished` : "";
  }

  // ---- popovers --------------------------------------------------------------------------

  function closePopover() {
    const box = $("popover");
    box.hidden = true;
    box.replaceChildren();
  }

  function openPopover(anchor, ...content) {
    const box = $("popover");
    box.replaceChildren(...content);
    box.hidden = false;
    const rect = anchor.getBoundingClientRect();
    const left = Math.min(rect.left + window.scrollX, window.scrollX + document.documentElement.clientWidth - box.offsetWidth - 12);
    box.style.left = `${Math.max(8, left)}px`;
    box.style.top = `${rect.bottom + window.scrollY + 6}px`;
  }

  function section(title, ...content) {
    return el("div", { class: "section" }, el("span", { class: "label" }, title), ...content);
  }

  function roleButtons(head, onPick, kind) {
    const trigger = findSpan(head);
    // Roles the span's kind fills come first (a PLACE offers "place" first).
    const roles = [...S.types.get(trigger.label).roles].sort((a, b) => (a.kind !== kind) - (b.kind !== kind));
    return el("div", { class: "choices" }, roles.map((role) => el("button", {
      class: "chip", type: "button", colour: colour(role.kind), title: `${role.description} (${role.kind})`,
      onclick: () => { onPick(role.name); render(); },
    }, role.name)));
  }

  function choose(key) {
    S.active = key;
    render();
    status(key ? `Arguments of ${activeName()}: click a span or drag over words. Esc stops.` : "");
  }

  function activeName() {
    const trigger = findSpan(S.active);
    return `${trigger.label} “${textOf(trigger.token_start, trigger.token_end)}”`;
  }

  function spanPopover(mark) {
    const key = mark.dataset.key;
    const span = findSpan(key);
    const parts = [el("div", { class: "quote" }, "“" + textOf(span.token_start, span.token_end) + "”")];
    if (S.active && S.active !== key) {
      parts.push(section(`Role in ${activeName()}`, roleButtons(S.active, (role) => addRelation(S.active, key, role), span.label)));
    }
    parts.push(section("Label", el("select", {
      class: "label-select", onchange: (e) => { setLabel(key, e.target.value); render(); },
    }, S.labels.map((label) => el("option", { value: label, selected: label === span.label }, label)))));
    if (isTrigger(span)) {
      parts.push(section("Modality", el("select", {
        class: "modality-select", onchange: (e) => { span.modality = e.target.value; render(); },
      }, S.modalities.map((m) => el("option", { value: m, selected: m === (span.modality || "asserted") }, m)))));
    }
    if (!isTrigger(span) && ATTRIBUTES.some((k) => k in span)) {
      parts.push(section("Actor", el("div", { class: "attrs" }, ATTRIBUTES.map((k) => el("label", {},
        k, el("input", { type: "text", value: span[k] || "", data: { attr: k },
          oninput: (e) => { span[k] = e.target.value; }, onchange: () => renderEvents() }))))));
    }
    const buttons = [];
    if (isTrigger(span) && S.active !== key) {
      buttons.push(el("button", { class: "plain", type: "button", onclick: () => choose(key) }, "Link arguments to it"));
    }
    buttons.push(el("button", { class: "danger", type: "button", onclick: () => { removeSpan(key); render(); } }, "Remove span"));
    parts.push(el("div", { class: "section row" }, buttons));
    openPopover(mark, ...parts);
  }

  function selectionPopover(first, last) {
    S.selection = { from: first, to: last };
    renderText();
    const anchor = $("text").querySelector(`.tok[data-t="${last}"]`);
    const parts = [el("div", { class: "quote" }, "“" + textOf(first, last) + "”")];
    const covered = overlaps(first, last);
    if (!covered) {
      parts.push(section("Mark as", el("div", { class: "choices" }, S.labels.map((label) => el("button", {
        class: "chip", type: "button", colour: colour(label), data: { label },
        onclick: () => { S.selection = null; addSpan(first, last, label); render(); },
      }, label)))));
    }
    if (S.active) {
      parts.push(section(`Argument of ${activeName()}`, roleButtons(S.active, (role) => { S.selection = null; argumentOf(S.active, first, last, role); })));
    } else if (covered) {
      parts.push(el("p", { class: "note" }, "This overlaps marked spans. To add it as a content clause, choose the statement's trigger first."));
    }
    openPopover(anchor, ...parts);
  }

  // ---- mouse -----------------------------------------------------------------------------

  function onMouseDown(e) {
    if (e.button !== 0) return;
    const tag = e.target.closest("mark.span .tag");
    if (tag) { e.preventDefault(); spanPopover(tag.closest("mark.span")); return; }
    const tok = e.target.closest(".tok");
    if (!tok) return;
    e.preventDefault();
    closePopover();
    const t = Number(tok.dataset.t);
    S.selection = null;
    S.drag = { from: t, to: t };
  }

  function onMouseOver(e) {
    const tok = e.target.closest(".tok");
    if (!S.drag || !tok) return;
    const t = Number(tok.dataset.t);
    if (t !== S.drag.to) { S.drag.to = t; renderText(); }
  }

  function onMouseUp() {
    if (!S.drag) return;
    const first = Math.min(S.drag.from, S.drag.to);
    const last = Math.max(S.drag.from, S.drag.to);
    S.drag = null;
    const span = S.spans.find((s) => s.token_start <= first && last <= s.token_end);
    if (first === last && span) {
      const key = spanKey(span);
      if (isTrigger(span) && (!S.active || S.active === key)) { // choose (or drop) the trigger to link from
        choose(S.active === key ? null : key);
        return;
      }
      renderText();
      spanPopover($("text").querySelector(`mark[data-key="${key}"]`));
    } else {
      selectionPopover(first, last);
    }
  }

  function onOutsideMouseDown(e) {
    if ($("popover").hidden || e.target.closest("#popover") || e.target.closest("#text")) return;
    S.selection = null;
    closePopover();
    renderText();
  }

  // ---- answers ---------------------------------------------------------------------------

  function setBusy(busy) {
    S.busy = busy;
    for (const id of ["accept", "reject", "ignore", "undo"]) $(id).disabled = busy;
  }

  function payload(answer) {
    return {
      task_hash: S.task._task_hash, answer, client: S.client,
      spans: S.spans.map((s) => ({ ...range(s), label: s.label, ...(isTrigger(s) ? { modality: s.modality || "asserted" } : attributesOf(s)) })),
      relations: S.relations.map((r) => ({ head_span: range(findSpan(r.head)), child_span: range(findSpan(r.child)), label: r.label })),
      overlapping_relations: S.overlapping.map((r) => ({ head_span: range(findSpan(r.head)), child_span: { ...r.child }, label: r.label })),
    };
  }

  async function answer(kind) {
    if (S.busy || !S.task) return;
    setBusy(true);
    try {
      const { status: code, data } = await api("/api/answer", payload(kind));
      if (code === 200) {
        renderProgress(data.progress);
        await next(`${DONE_WORDS[kind]} (${data.events.length} event${data.events.length === 1 ? "" : "s"} saved)`);
      } else if (code === 404) {
        await next("That task was answered already or the server restarted: here is the next one.", "err");
      } else {
        const problems = (data.problems || []).join("\n");
        status(`${data.error}${problems ? ":\n" + problems : ""}`, "err");
      }
    } finally {
      setBusy(false);
    }
  }

  async function undo() {
    if (S.busy) return;
    setBusy(true);
    try {
      const { status: code, data } = await api("/api/undo", { client: S.client });
      if (code !== 200) { status(data.error, "err"); return; }
      renderProgress(data.progress);
      if (!data.task) { status("Nothing to undo."); return; }
      show(data.task);
      status(`Undid “${data.undone}”: answer this task again.`, "ok");
    } finally {
      setBusy(false);
    }
  }

  function show(task) {
    $("workspace").hidden = false;
    $("finished").hidden = true;
    renderMeta(task);
    loadTask(task);
  }

  async function next(message, kind = "ok") {
    const { status: code, data } = await api(`/api/next?client=${encodeURIComponent(S.client)}`);
    if (code !== 200) { status(data.error, "err"); return; }
    renderProgress(data.progress);
    if (data.task) {
      show(data.task);
      status(message || "", message ? kind : "");
    } else {
      S.task = null;
      closePopover();
      $("workspace").hidden = true;
      $("finished").hidden = false;
      $("finished-text").textContent = data.error
        ? `The input stopped early: ${data.error}`
        : `Every task of this input is answered. Export the gold with: eventcoder export ${$("session").dataset.dataset} -o gold.jsonl`;
      status(message || "", message ? kind : "");
    }
  }

  function onKeyDown(e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.target.closest("select, input, textarea")) return;
    if (e.key === "Escape") {
      S.selection = null;
      if (S.task) choose(null);
      return;
    }
    const action = SHORTCUTS[e.key];
    if (!action) return;
    e.preventDefault(); // space would scroll or press a button, backspace navigate
    if (e.repeat) return;
    if (action === "undo") undo(); else answer(action);
  }

  // ---- start -----------------------------------------------------------------------------

  async function start() {
    const { status: code, data } = await api("/api/config");
    if (code !== 200) { status(data.error || "cannot load the configuration", "err"); return; }
    for (const type of data.types) S.types.set(type.name, type);
    for (const kind of data.kinds) S.kinds.set(kind.name, kind);
    S.modalities = data.modalities;
    S.labels = [...S.types.keys(), ...S.kinds.keys()];
    S.labels.forEach((label, i) => S.colours.set(label, KNOWN_COLOURS[label] || PALETTE[i % PALETTE.length]));
    const session = $("session");
    session.dataset.dataset = data.dataset;
    S.mode = data.mode;
    const feed = data.mode === "adjudicate" ? "adjudicator" : data.feed.overlap ? "every task" : data.feed.per_task > 1 ? `${data.feed.per_task} per task` : "shared";
    session.replaceChildren(data.mode === "adjudicate" ? "adjudicating " : "", data.source_dataset ? el("b", {}, data.source_dataset) : "",
      data.mode === "adjudicate" ? " into " : "dataset ", el("b", {}, data.dataset),
      " · annotator ", el("b", { id: "annotator" }, data.annotator), el("span", { class: "feed", title: "Which tasks this session gets" }, ` (${feed})`));
    $("team-link").href = "/team" + (SESSION ? "?session=" + encodeURIComponent(SESSION) : "");
    renderLegend();
    window.addEventListener("resize", drawArcs);

    const text = $("text");
    text.addEventListener("mousedown", onMouseDown);
    text.addEventListener("mouseover", onMouseOver);
    document.addEventListener("mouseup", onMouseUp);
    document.addEventListener("mousedown", onOutsideMouseDown);
    document.addEventListener("keydown", onKeyDown);
    for (const kind of ["accept", "reject", "ignore"]) $(kind).addEventListener("click", (e) => { e.currentTarget.blur(); answer(kind); });
    $("undo").addEventListener("click", (e) => { e.currentTarget.blur(); undo(); });
    $("reset").addEventListener("click", (e) => { e.currentTarget.blur(); if (S.task) { loadTask(S.task); status("Edits dropped."); } });
    await next();
  }

  start();
})();
