// eventcoder review: the team page. Per annotator answers and speed, pairwise agreement.
// Names reach the page as text nodes only, never innerHTML.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  const cell = (value) => { const td = document.createElement("td"); td.textContent = value; return td; };
  const row = (...values) => { const tr = document.createElement("tr"); tr.append(...values.map(cell)); return tr; };
  const f1 = (scores) => (scores && scores.f1 != null ? scores.f1.toFixed(3) : "n/a");

  async function start() {
    const session = new URLSearchParams(location.search).get("session");
    if (session) $("back").href = "/?session=" + encodeURIComponent(session);
    const response = await fetch("/api/team");
    const data = await response.json();
    if (response.status !== 200) { $("agreement-note").textContent = data.error; return; }
    $("dataset").textContent = "dataset " + data.dataset;
    const names = Object.keys(data.annotators).sort();
    $("annotators").tBodies[0].replaceChildren(...names.map((name) => {
      const a = data.annotators[name];
      return row(name, a.answers, a.accept, a.reject, a.ignore, a.per_hour == null ? "n/a" : a.per_hour);
    }));
    $("agreement-note").textContent = data.note || "";
    const pairs = data.agreement ? data.agreement.pairs : [];
    $("pairs").tBodies[0].replaceChildren(...pairs.map((p) => row(
      `${p.reference} / ${p.annotator}`, p.shared_inputs, f1(p.triggers), f1(p.arguments), f1(p.irrealis))));
  }

  start();
})();
