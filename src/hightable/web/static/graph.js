// The relations graph: the Table, the families and the hotels as hubs on an inner ring, the
// members around them; alliances, markers, contracts and ties drawn between.
"use strict";

const SVG = "http://www.w3.org/2000/svg";
const COLOURS = { family: "#d4af37", office: "#7fb3d5", alliance: "#5c8d4f", marker: "#d98e04", contract: "#b3261e", manager: "#9b59b6", terms: "#4fb3a9" };

function node(svg, tag, attributes, text) {
  const element = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, value);
  if (text !== undefined) element.textContent = text;
  svg.appendChild(element);
  return element;
}

const CX = 450, CY = 290;

function onEllipse(angle, rx, ry) {
  return [CX + rx * Math.cos(angle), CY + ry * Math.sin(angle)];
}

// Where each hub and member goes: members on the outer ring in groups, each group beside its hub
// on the inner ring (a member's group: their family, else the hotel they manage, else the Table
// if they hold an office), so that the ties run outward and rarely cross.
function layout(view, hubs) {
  const managed = Object.fromEntries(Object.entries(view.hotels).filter(([, h]) => h.manager).map(([id, h]) => [h.manager, id]));
  const groupOf = (id) => {
    const m = view.members[id];
    if (m.family || m.recruit_of) return "family:" + (m.family || m.recruit_of);
    if (managed[id]) return "hotel:" + managed[id];
    return m.offices.length ? "hub:table" : "none";
  };
  const groups = Object.fromEntries([...hubs, "none"].map((hub) => [hub, []]));
  for (const id of Object.keys(view.members).sort()) groups[groupOf(id)].push(id);
  const slots = [...hubs, "none"].reduce((n, hub) => n + Math.max(groups[hub].length, hub === "none" ? 0 : 1) + 1, 0);
  const step = (2 * Math.PI) / Math.max(slots, 1);
  const place = {};
  let slot = 0;
  for (const hub of [...hubs, "none"]) {
    const size = Math.max(groups[hub].length, hub === "none" ? 0 : 1);
    const middle = -Math.PI / 2 + step * (slot + (size - 1) / 2);
    if (hub !== "none") place[hub] = onEllipse(middle, 265, 155);
    groups[hub].forEach((id, index) => { place[id] = onEllipse(-Math.PI / 2 + step * (slot + index), 410, 250); });
    slot += size + 1;
  }
  return place;
}

const hubsOf = (view) => ["hub:table", ...Object.keys(view.families).map((f) => "family:" + f), ...Object.keys(view.hotels).map((h) => "hotel:" + h)];

// The world `view` drawn where `layoutView` (the live world, which holds every member and hub
// that ever was) puts each node: moving through time changes what is drawn, never where.
function drawGraph(svg, view, layoutView, centre) {
  svg.innerHTML = "";
  const defs = node(svg, "defs", {});
  for (const [kind, colour] of Object.entries(COLOURS)) {
    const marker = document.createElementNS(SVG, "marker");
    for (const [k, v] of Object.entries({ id: `arrow-${kind}`, viewBox: "0 0 10 10", refX: "18", refY: "5", markerWidth: "6", markerHeight: "6", orient: "auto-start-reverse" })) marker.setAttribute(k, v);
    node(marker, "path", { d: "M 0 0 L 10 5 L 0 10 z", fill: colour });
    defs.appendChild(marker);
  }
  const hubs = hubsOf(view);
  const members = Object.keys(view.members);
  const fixed = layoutView || view;
  let place = layout(fixed, hubsOf(fixed));
  if ([...hubs, ...members].some((id) => !place[id])) place = layout(view, hubs);
  if (centre && place[centre]) place[centre] = [CX, CY];  // a neighbourhood: its member amid it
  const line = (from, to, kind, arrow, past = false) => {
    if (!place[from] || !place[to] || from === to) return;
    const [x1, y1] = place[from], [x2, y2] = place[to];
    const attributes = { x1, y1, x2, y2, stroke: COLOURS[kind], "stroke-width": kind === "family" ? 1.2 : 2, opacity: past ? 0.4 : 0.85, class: `edge ${kind}${past ? " past" : ""}` };
    if (past) attributes["stroke-dasharray"] = "4 4";
    if (arrow) attributes["marker-end"] = `url(#arrow-${kind})`;
    node(svg, "line", attributes);
  };
  for (const [id, m] of Object.entries(view.members)) {
    if (m.family) line(id, "family:" + m.family, "family");
    if (m.recruit_of) line(id, "family:" + m.recruit_of, "family");
    if (m.offices.length) line(id, "hub:table", "office");
  }
  for (const [id, h] of Object.entries(view.hotels)) if (h.manager) line(h.manager, "hotel:" + id, "manager");
  // Around one member, the ties that are over are drawn too, dashed: they are why these are near.
  for (const a of Object.values(view.alliances)) if (a.state === "active" || centre) line(a.proposer, a.partner, "alliance", false, a.state !== "active");
  for (const k of Object.values(view.markers)) if (k.live || centre) line(k.debtor, k.holder, "marker", true, !k.live);
  for (const c of Object.values(view.contracts)) if ((c.state === "open" || centre) && view.members[c.client]) line(c.client, c.target, "contract", true, c.state !== "open");
  if (centre) for (const c of Object.values(view.contracts)) if (c.claimed_by) line(c.claimed_by, c.target, "contract", false, true);
  for (const t of Object.values(view.terms)) {
    const open = t.state === "offered" || t.state === "accepted";
    if (open || centre) line(t.offerer, t.to, "terms", true, !open);
  }
  for (const id of hubs) {
    const [x, y] = place[id];
    const [kind, name] = id.split(":");
    const label = kind === "hub" ? "The High Table" : kind === "family" ? view.families[name].name : view.hotels[name].name;
    const fill = kind === "hub" ? "#7fb3d5" : kind === "family" ? "#d4af37" : (view.hotels[name].consecrated ? "#9b59b6" : "#555");
    node(svg, "rect", { x: x - 64, y: y - 12, width: 128, height: 24, rx: 6, fill, opacity: 0.9, class: `hub ${kind}` });
    node(svg, "text", { x, y: y + 4, "text-anchor": "middle", "font-size": 11, fill: "#111" }, label.length > 22 ? label.slice(0, 21) + "…" : label);
  }
  for (const id of members) {
    const [x, y] = place[id];
    const m = view.members[id];
    const colour = { active: "#5c8d4f", excommunicado: "#b3261e", presumed_dead: "#6b6b6b", deceased: "#222" }[m.status];
    node(svg, "circle", { cx: x, cy: y, r: 9, fill: colour, stroke: "#e8e2d0", "stroke-width": 1, class: `member ${m.status}`, "data-member": id }, undefined).appendChild(document.createElementNS(SVG, "title")).textContent = `${m.name} (${id})`;
    node(svg, "text", { x, y: y + 23, "text-anchor": "middle", "font-size": 12, fill: "#e8e2d0" }, id);
  }
}
