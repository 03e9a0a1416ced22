package diagram

// The page's inline assets. They are constants, not embedded files, so that
// the package stays one import with no file system behind it.

const pageStyle = `body { margin: 0; font: 13px/1.4 system-ui, sans-serif; color: #111827; background: #fff; }
header { padding: 10px 16px 6px; border-bottom: 1px solid #e5e7eb; }
h1 { font-size: 16px; margin: 0 0 4px; font-family: ui-monospace, monospace; }
.cap { margin: 2px 0; font-family: ui-monospace, monospace; font-size: 12px; white-space: pre-wrap; }
.cap:first-of-type { font-weight: 600; }
.cap.alert { color: #b91c1c; }
.legend { margin-top: 6px; font-size: 12px; color: #374151; }
.legend svg { vertical-align: middle; margin-right: 3px; }
.legend span { margin-right: 14px; white-space: nowrap; }
.wrap { display: flex; align-items: flex-start; gap: 12px; padding: 8px 16px; }
.pic { flex: none; }
aside { position: sticky; top: 8px; flex: none; width: 340px; border: 1px solid #d1d5db; border-radius: 6px; padding: 8px 10px; background: #f9fafb; font-size: 12px; }
aside h2 { font-size: 13px; margin: 0 0 4px; }
aside .what { font-family: ui-monospace, monospace; margin: 0 0 6px; word-break: break-word; }
aside ul { margin: 0 0 6px; padding-left: 16px; color: #065f46; }
aside table { border-collapse: collapse; width: 100%; }
aside th { text-align: left; font-weight: 600; padding: 2px 6px 2px 0; white-space: nowrap; vertical-align: top; }
aside td { font-family: ui-monospace, monospace; padding: 2px 0; word-break: break-word; }
aside tr.changed td, aside tr.changed th { color: #6d28d9; }
aside tr.hovered th { text-decoration: underline; }
aside .hint { color: #6b7280; margin: 6px 0 0; }
aside p.kept { margin: 4px 0 2px; color: #4b5563; }
aside p.flight { margin: 6px 0 2px; font-weight: 600; }
aside ul.flight { color: #4b5563; font-family: ui-monospace, monospace; }
svg.diagram { display: block; }
svg text { font-family: ui-monospace, monospace; font-size: 11px; fill: #111827; }
.zebra { fill: #f3f4f6; }
#hi { fill: #dbeafe; opacity: 0.7; }
.lane { stroke: #6b7280; stroke-width: 1.5; }
.lane.client { stroke: #7c3aed; stroke-dasharray: 4 3; }
.head { font-family: system-ui, sans-serif; font-size: 13px; font-weight: 600; text-anchor: middle; }
.num { text-anchor: end; fill: #6b7280; }
.time { fill: #6b7280; }
.step.fault { fill: #b91c1c; }
.step.mend { fill: #047857; }
.step.client { fill: #6d28d9; }
.step.timer { fill: #b45309; }
.heal { stroke: #059669; stroke-width: 1.5; stroke-dasharray: 6 4; }
.down { fill: url(#hatch); stroke: #4b5563; stroke-width: 0.5; }
.slow { fill: #fcd34d; opacity: 0.7; }
.partition { fill: #fecaca; opacity: 0.6; stroke: #ef4444; stroke-dasharray: 3 2; }
g.msg line, g.msg path { stroke: #1d4ed8; stroke-width: 1.4; fill: none; }
g.reply line, g.reply path { stroke: #059669; stroke-width: 1.4; stroke-dasharray: 3 2; fill: none; }
g.lost line, g.lost path { stroke: #dc2626; stroke-width: 1.4; stroke-dasharray: 5 3; fill: none; }
g.flight line, g.flight path { stroke: #6b7280; stroke-width: 1.2; stroke-dasharray: 2 2; fill: none; }
g.flight circle { fill: #fff; stroke: #6b7280; stroke-width: 1.2; }
g.copy line, g.copy path { stroke-dasharray: 8 3 2 3; }
g path.cross { stroke: #dc2626; stroke-width: 2.2; stroke-dasharray: none; }
g:hover line, g:hover path { stroke-width: 3; }
.label { font-size: 10px; fill: #1e3a8a; paint-order: stroke; stroke: #fff; stroke-width: 3px; }
.label.end { text-anchor: end; }
g.lost .label { fill: #991b1b; }
g.reply .label { fill: #065f46; }
g.flight .label { fill: #6b7280; }
.note { font-size: 10px; fill: #065f46; paint-order: stroke; stroke: #fff; stroke-width: 3px; }
.event { fill: #111827; }
.crashmark { stroke: #111827; stroke-width: 3; }
.restartmark { fill: #059669; }
.timermark { fill: #f59e0b; stroke: #92400e; }
.state { fill: none; stroke: #7c3aed; stroke-width: 1.5; }
.omitted { fill: #b91c1c; }
`

const svgDefs = `<defs>
<marker id="head" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="context-stroke"/></marker>
<pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#e5e7eb"/><line x1="0" y1="0" x2="0" y2="6" stroke="#6b7280" stroke-width="2"/></pattern>
</defs>
`

const legend = `<div class="legend">
<span><svg width="34" height="10"><line x1="1" y1="5" x2="31" y2="5" stroke="#1d4ed8" stroke-width="1.5"/><path d="M 26 1 L 33 5 L 26 9 z" fill="#1d4ed8"/></svg>delivered</span>
<span><svg width="34" height="10"><line x1="1" y1="5" x2="24" y2="5" stroke="#dc2626" stroke-width="1.5" stroke-dasharray="5 3"/><path d="M 23 1 l 8 8 M 23 9 l 8 -8" stroke="#dc2626" stroke-width="2"/></svg>dropped or lost</span>
<span><svg width="34" height="10"><line x1="1" y1="5" x2="26" y2="5" stroke="#6b7280" stroke-width="1.5" stroke-dasharray="2 2"/><circle cx="29" cy="5" r="3" fill="#fff" stroke="#6b7280"/></svg>still in flight at the end</span>
<span><svg width="34" height="10"><line x1="1" y1="5" x2="31" y2="5" stroke="#059669" stroke-width="1.5" stroke-dasharray="3 2"/></svg>answer to a client</span>
<span><svg width="14" height="14"><rect x="3" y="0" width="8" height="14" fill="#9ca3af"/></svg>replica down</span>
<span><svg width="14" height="14"><rect x="0" y="0" width="14" height="14" fill="#fecaca" stroke="#ef4444"/></svg>partitioned side</span>
<span><svg width="14" height="14"><rect x="4" y="0" width="6" height="14" fill="#fcd34d"/></svg>slow or paused</span>
<span><svg width="16" height="16"><circle cx="8" cy="8" r="6" fill="none" stroke="#7c3aed" stroke-width="1.5"/></svg>state changed (hover a step for every replica's state)</span>
</div>
`

// pageScript moves the row highlight and rewrites the panel as the mouse
// moves; its format verbs are the geometry (headerHeight, rowHeight, the
// first lane's x, laneSpacing).
const pageScript = `(function () {
  var HEADER = %d, ROW = %d, LANE0 = %d, LANEW = %d;
  var D = JSON.parse(document.getElementById("data").textContent);
  var svg = document.querySelector("svg.diagram"), hi = document.getElementById("hi");
  var panel = document.getElementById("panel"), shown = -1, shownLane = -1;
  function stateAt(lane, r) {
    var s = "";
    for (var i = 0; i < D.states.length && D.states[i][0] <= r; i++) {
      if (D.states[i][1] === lane) { s = D.states[i][2]; }
    }
    return s;
  }
  function changed(lane, r) {
    for (var i = 0; i < D.states.length; i++) {
      if (D.states[i][0] === r && D.states[i][1] === lane) { return true; }
    }
    return false;
  }
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined) { e.textContent = text; }
    if (cls) { e.className = cls; }
    return e;
  }
  function show(r, lane) {
    var row = D.rows[r];
    panel.textContent = "";
    panel.appendChild(el("h2", "after step " + (r + 1) + " of " + D.rows.length + ", t=" + row[0]));
    panel.appendChild(el("p", row[1], "what"));
    if (row[2].length > 0) {
      var ul = el("ul");
      row[2].forEach(function (n) { ul.appendChild(el("li", D.lanes[n[0]] + ": " + n[1])); });
      panel.appendChild(ul);
    }
    panel.appendChild(el("p", "what each replica persisted:", "kept"));
    var table = el("table");
    D.lanes.forEach(function (name, i) {
      if (D.kinds[i] !== 1) { return; }
      var cls = (changed(i, r) ? "changed" : "") + (i === lane ? " hovered" : "");
      var tr = el("tr", undefined, cls.trim());
      tr.appendChild(el("th", name));
      tr.appendChild(el("td", stateAt(i, r)));
      table.appendChild(tr);
    });
    panel.appendChild(table);
    if (r === D.rows.length - 1 && D.flight && D.flight.length > 0) {
      panel.appendChild(el("p", "still in flight:", "flight"));
      var fl = el("ul", undefined, "flight");
      D.flight.forEach(function (f) { fl.appendChild(el("li", f)); });
      panel.appendChild(fl);
    }
  }
  svg.addEventListener("mousemove", function (ev) {
    var box = svg.getBoundingClientRect();
    var r = Math.floor((ev.clientY - box.top - HEADER) / ROW);
    var lane = Math.round((ev.clientX - box.left - LANE0) / LANEW);
    if (r < 0 || r >= D.rows.length || (r === shown && lane === shownLane)) { return; }
    shown = r; shownLane = lane;
    hi.setAttribute("y", HEADER + r * ROW);
    hi.style.display = "";
    show(r, lane);
  });
})();
`
