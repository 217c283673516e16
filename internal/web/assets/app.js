// Pricebook dashboard: progressive enhancement only. Every page works
// without this file; it follows the live tail and shows the recurring
// price fields only for recurring prices. It writes text, never markup.
"use strict";

function liveTail() {
  const table = document.getElementById("tail");
  if (!table || !window.EventSource) return;
  const body = table.tBodies[0];
  const state = document.getElementById("tail-state");
  const source = new EventSource(table.dataset.stream);
  source.addEventListener("open", () => { if (state) state.textContent = "Live: new changes appear at the top as they commit."; });
  source.addEventListener("error", () => { if (state) state.textContent = "Reconnecting to the live tail…"; });
  source.addEventListener("change", (msg) => {
    let e;
    try { e = JSON.parse(msg.data); } catch (_) { return; }
    const tr = document.createElement("tr");
    tr.className = "new";
    const cell = (text, code) => {
      const td = document.createElement("td");
      const el = code ? document.createElement("code") : td;
      el.textContent = text;
      if (code) td.appendChild(el);
      tr.appendChild(td);
      return td;
    };
    cell(e.when, false);
    cell(e.type, true);
    const obj = cell("", false);
    if (e.link && e.link.startsWith("/dashboard/")) {
      const a = document.createElement("a");
      a.href = e.link;
      a.textContent = e.name;
      obj.appendChild(a);
    } else {
      obj.textContent = e.name;
    }
    cell(e.who, true);
    body.insertBefore(tr, body.firstChild);
    while (body.rows.length > 200) body.deleteRow(body.rows.length - 1);
  });
}

function priceFields() {
  const type = document.getElementById("f-type");
  const recurring = document.querySelector(".recurring");
  if (!type || !recurring) return;
  const sync = () => { recurring.hidden = type.value === "one_time_price"; };
  type.addEventListener("change", sync);
  sync();
}

document.addEventListener("DOMContentLoaded", () => {
  liveTail();
  priceFields();
});
