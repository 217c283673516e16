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

// reorder lets a pointer drag a collection's groups into a new order and
// posts it, with the page's CSRF token; the Up and Down buttons do the
// same without script and from the keyboard.
function reorder() {
  const list = document.querySelector("ol.groups[data-order]");
  if (!list) return;
  const csrf = document.querySelector('input[name="csrf"]');
  if (!csrf) return;
  const hint = document.querySelector(".reorder-hint");
  if (hint) hint.hidden = false;
  let dragged = null;
  const submit = () => {
    const f = document.createElement("form");
    f.method = "post";
    f.action = list.dataset.order;
    const add = (name, value) => {
      const i = document.createElement("input");
      i.type = "hidden";
      i.name = name;
      i.value = value;
      f.appendChild(i);
    };
    add("csrf", csrf.value);
    add("order", Array.from(list.children, (li) => li.dataset.group).join(","));
    document.body.appendChild(f);
    f.submit();
  };
  for (const li of list.children) {
    li.draggable = true;
    li.addEventListener("dragstart", (e) => { dragged = li; e.dataTransfer.effectAllowed = "move"; li.classList.add("dragging"); });
    li.addEventListener("dragend", () => li.classList.remove("dragging"));
    li.addEventListener("dragover", (e) => e.preventDefault());
    li.addEventListener("drop", (e) => {
      e.preventDefault();
      if (!dragged || dragged === li) return;
      const box = li.getBoundingClientRect();
      list.insertBefore(dragged, e.clientY > box.top + box.height / 2 ? li.nextSibling : li);
      submit();
    });
  }
}

document.addEventListener("DOMContentLoaded", () => {
  liveTail();
  priceFields();
  reorder();
});
