"use strict";
// paxsim view: the run comes from /api/run; every other request forks,
// opens or resets it, and the server answers with the new run.
let run = null, cur = 0;
const $ = (id) => document.getElementById(id);
const SVGNS = "http://www.w3.org/2000/svg";

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

function showError(msg) { $("error").textContent = msg || ""; }

async function call(method, url, body) {
  const res = await fetch(url, { method, body, headers: body ? { "Content-Type": "application/json" } : {} });
  const data = await res.json().catch(() => ({ error: "the server answered " + res.status }));
  if (!res.ok || data.error) throw new Error(data.error || ("the server answered " + res.status));
  return data;
}

function firstFailure() {
  let f = -1;
  for (const p of run.properties) if (p.frame >= 0 && (f < 0 || p.frame < f)) f = p.frame;
  return f;
}

function load(data) {
  run = data;
  showError("");
  $("title").textContent = run.title + " (" + run.protocol + ")";
  $("verdict").textContent = "verdict: " + run.verdict + " · stopped: " + run.stop + " · trace hash " + run.hash;
  $("verdict").className = run.verdict === "ok" ? "cap" : "cap alert";
  const cap = $("caption");
  cap.replaceChildren(...(run.caption || []).map((c) => el("p", c, "cap")));
  $("pic").innerHTML = run.svg;
  $("count").textContent = String(run.frames.length - 1) + (run.omitted ? " (+" + run.omitted + " not kept)" : "");
  $("jump").max = run.frames.length - 1;
  $("reset").hidden = !run.forked;
  $("download").textContent = run.forked ? "download the fork's trace" : "download this run's trace";
  markFailure();
  $("actions").hidden = true; $("forkgo").hidden = true;
  go(run.forked ? run.frames.length - 1 : 0);
}

// markFailure shades the row of the step that first broke a property.
function markFailure() {
  const f = firstFailure(), svg = $("pic").querySelector("svg");
  if (f < 0 || !svg) return;
  const row = run.frames[f].row;
  if (row < 0) return;
  const r = document.createElementNS(SVGNS, "rect");
  r.setAttribute("class", "failrow");
  r.setAttribute("x", "0"); r.setAttribute("width", svg.getAttribute("width"));
  r.setAttribute("y", String(run.row_top + row * run.row_height)); r.setAttribute("height", String(run.row_height));
  const t = document.createElementNS(SVGNS, "title");
  t.textContent = "the first failing step";
  r.appendChild(t);
  svg.insertBefore(r, svg.querySelector("#hi"));
}

function go(k) {
  if (!run) return;
  cur = Math.max(0, Math.min(run.frames.length - 1, k));
  const f = run.frames[cur];
  $("jump").value = cur;
  $("stephead").textContent = "step " + cur + " of " + (run.frames.length - 1) + (cur === firstFailure() ? " — first failure" : "");
  $("steptext").textContent = cur === 0 ? "before the first step" :
    (f.line ? "line " + f.line + ": " : "") + f.text + "  (t=" + f.time + (f.choice ? "" : ", liveness phase") + ")";
  highlight(f.row);
  showProps(); showNodes(f); showFlight(f);
  $("list").disabled = !f.choice;
  $("actions").hidden = true; $("forkgo").hidden = true;
}

// highlight marks row, the current step's, and veils the rows after it:
// what has not happened yet.
function highlight(row) {
  const svg = $("pic").querySelector("svg"), hi = $("pic").querySelector("#hi");
  if (!svg || !hi) return;
  let veil = svg.querySelector("#future");
  if (!veil) {
    veil = document.createElementNS(SVGNS, "rect");
    veil.setAttribute("id", "future");
    veil.setAttribute("x", "0"); veil.setAttribute("width", svg.getAttribute("width"));
    svg.appendChild(veil);
  }
  const y = run.row_top + Math.max(row, -1) * run.row_height;
  const bottom = Number(svg.getAttribute("height"));
  veil.setAttribute("y", String(y + run.row_height));
  veil.setAttribute("height", String(Math.max(0, bottom - y - run.row_height)));
  if (row < 0) { hi.style.display = "none"; return; }
  hi.setAttribute("y", String(y));
  hi.style.display = "";
  const pic = $("pic");
  if (y < pic.scrollTop + 40 || y > pic.scrollTop + pic.clientHeight - 40)
    pic.scrollTop = Math.max(0, y - pic.clientHeight / 2);
}

function showProps() {
  const rows = run.properties.map((p) => {
    const tr = el("tr");
    tr.appendChild(el("th", p.name));
    let td;
    if (p.frame >= 0 && p.frame <= cur) td = el("td", "broken at step " + p.frame, "broken");
    else if (p.frame >= 0) td = el("td", "holds so far (breaks at step " + p.frame + ")", "held");
    else if (p.at_end) td = el("td", cur === run.frames.length - 1 ? "held (judged at the end)" : "judged at the end", "pending");
    else td = el("td", "holds", "held");
    if (p.text && p.frame >= 0 && p.frame <= cur) td.title = p.text;
    tr.appendChild(td);
    return tr;
  });
  $("props").replaceChildren(...rows);
}

function showNodes(f) {
  const head = el("tr");
  for (const h of ["replica", "durable", "volatile"]) head.appendChild(el("th", h));
  const rows = [head];
  for (const n of f.nodes) {
    const tr = el("tr");
    tr.appendChild(el("th", String(n.id) + (n.up ? "" : " (down)"), n.up ? "" : "down"));
    tr.appendChild(el("td", n.durable || "—"));
    const vol = [];
    if (n.volatile) vol.push(n.volatile);
    if (n.timers && n.timers.length) vol.push("timers: " + n.timers.join(", "));
    if (n.unsynced) vol.push(n.unsynced + " unsynced write(s)");
    tr.appendChild(el("td", n.up ? (vol.join("; ") || "—") : "lost in the crash", "vol"));
    rows.push(tr);
  }
  $("nodes").replaceChildren(...rows);
}

function showFlight(f) {
  const items = f.in_flight.map((m) => el("li", m));
  if (!items.length) items.push(el("li", "nothing"));
  $("flight").replaceChildren(...items);
}

async function listActions() {
  try {
    const data = await call("GET", "/api/actions?frame=" + cur);
    const sel = $("actions");
    sel.replaceChildren(...data.actions.map((a) => { const o = el("option", a); o.value = a; return o; }));
    if (data.actions.length) sel.selectedIndex = 0;
    sel.hidden = false; $("forkgo").hidden = data.actions.length === 0;
    if (!data.actions.length) showError("no action is enabled after step " + cur);
  } catch (e) { showError(e.message); }
}

async function fork(runToEnd) {
  const action = $("actions").value;
  if (!action) { showError("choose an action first"); return; }
  try {
    const body = JSON.stringify({ frame: cur, action, run: runToEnd, seed: Number($("seed").value) || 0 });
    load(await call("POST", "/api/fork", body));
  } catch (e) { showError(e.message); }
}

async function openPasted() {
  try {
    const res = await fetch("/api/open", { method: "POST", body: $("paste").value, headers: { "Content-Type": "text/plain" } });
    const data = await res.json().catch(() => ({ error: "the server answered " + res.status }));
    if (!res.ok || data.error) throw new Error(data.error);
    load(data);
  } catch (e) { showError(e.message); }
}

$("first").onclick = () => go(0);
$("prev").onclick = () => go(cur - 1);
$("next").onclick = () => go(cur + 1);
$("last").onclick = () => go(run.frames.length - 1);
$("tofail").onclick = () => { const f = firstFailure(); if (f >= 0) go(f); else showError("no property broke in this run"); };
$("jump").onchange = () => go(Number($("jump").value));
$("list").onclick = listActions;
$("take").onclick = () => fork(false);
$("run").onclick = () => fork(true);
$("open").onclick = openPasted;
$("reset").onclick = async () => { try { load(await call("POST", "/api/reset")); } catch (e) { showError(e.message); } };
document.addEventListener("keydown", (ev) => {
  if (ev.target.tagName === "INPUT" || ev.target.tagName === "TEXTAREA" || ev.target.tagName === "SELECT") return;
  const keys = { ArrowRight: 1, j: 1, ArrowLeft: -1, k: -1 };
  if (ev.key in keys) go(cur + keys[ev.key]);
  else if (ev.key === "Home") go(0);
  else if (ev.key === "End") go(run.frames.length - 1);
  else if (ev.key === "f") $("tofail").onclick();
  else return;
  ev.preventDefault();
});
call("GET", "/api/run").then(load).catch((e) => showError(e.message));
