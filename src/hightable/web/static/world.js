// The world page: the view as of the slider's instant, the timeline, the graph, and the live feed.
"use strict";

const WORLD = decodeURIComponent(location.pathname.split("/")[2]);
const slider = document.getElementById("slider");
const events = [];  // every event of the log, in order
let start = "", clock = "", shownAt = "", pending = null;

document.getElementById("world-name").textContent = WORLD;
document.title = `${WORLD} — hightable`;

function atLiveEnd() {
  return Number(slider.value) >= Number(slider.max);
}

function fill(id, header, rows) {
  const table = document.querySelector(`#${id} table`);
  table.innerHTML = `<tr>${header.map((h) => `<th>${h}</th>`).join("")}</tr>` +
    (rows.length ? rows.join("") : `<tr><td class="muted" colspan="${header.length}">none</td></tr>`);
}

// A dossier link, as of the instant shown when the slider is not at the live end.
function memberLink(id) {
  const as = atLiveEnd() ? "" : `?at=${encodeURIComponent(shownAt)}`;
  return `<a href="${withToken(`/w/${encodeURIComponent(WORLD)}/members/${encodeURIComponent(id)}${as}`)}">${esc(id)}</a>`;
}

function render(view) {
  shownAt = view.clock;
  document.getElementById("instant").textContent = view.clock;
  for (const key of ["supply", "treasury", "escrow"]) document.getElementById(key).textContent = view[key];
  fill("members", ["member", "status", "family", "offices", "balance", "bounty", "breaches"],
    Object.entries(view.members).map(([id, m]) => `<tr data-member="${esc(id)}"><td>${memberLink(id)}<br><span class="muted">${esc(m.name)}</span></td>
      <td class="status">${badge(m, view.clock)}</td><td>${esc(m.family || (m.recruit_of ? "recruit of " + m.recruit_of : ""))}</td>
      <td>${esc(m.offices.join(", "))}</td><td class="num">${m.balance}</td><td class="num">${m.bounty}</td>
      <td>${m.breaches.map(ruleLink).join(" ")}</td></tr>`));
  const open = Object.entries(view.contracts).filter(([, c]) => c.state === "open");
  const closed = Object.entries(view.contracts).filter(([, c]) => c.state !== "open");
  fill("contracts", ["contract", "target", "client", "bounty", "state"],
    [...open, ...closed].map(([id, c]) => `<tr data-contract="${esc(id)}" class="${c.state === "open" ? "" : "muted"}"><td>${esc(id)}${c.open ? "" : ` <span class="muted">(for ${esc(c.contractor)})</span>`}</td>
      <td>${memberLink(c.target)}</td><td>${esc(c.funded_by === "table" ? c.client + " (the Table)" : c.client)}</td><td class="num">${c.bounty}</td><td>${esc(c.state)}${c.claimed_by ? " by " + esc(c.claimed_by) : ""}</td></tr>`));
  fill("markers", ["marker", "debtor", "holder", "state", "favor"],
    Object.entries(view.markers).map(([id, k]) => `<tr><td>${esc(id)}</td><td>${memberLink(k.debtor)}</td><td>${memberLink(k.holder)}</td><td>${esc(k.state)}</td><td>${esc(k.favor || "")}</td></tr>`));
  fill("terms", ["terms", "from → to", "state", "grants", "requires"],
    Object.entries(view.terms).map(([id, t]) => `<tr><td>${esc(id)}</td><td>${esc(t.offerer)} → ${esc(t.to)}</td><td>${esc(t.state)}</td>
      <td>${esc(plainly(t.grants))}</td><td>${esc(plainly(t.requires))} ${t.deadline ? `<br><span class="muted">until ${esc(t.deadline)}</span>` : ""}</td></tr>`));
  fill("duels", ["duel", "challenger", "challenged", "hour", "state"],
    Object.entries(view.duels).map(([id, d]) => `<tr><td>${esc(id)}<br><span class="muted">${esc(d.place || "")}</span></td>
      <td>${esc(d.challenger)}${d.second.challenger ? `<br><span class="muted">second ${esc(d.second.challenger)}</span>` : ""}${d.stand_in.challenger ? `<br><span class="muted">stand-in ${esc(d.stand_in.challenger)}</span>` : ""}</td>
      <td>${esc(d.challenged)}${d.second.challenged ? `<br><span class="muted">second ${esc(d.second.challenged)}</span>` : ""}${d.stand_in.challenged ? `<br><span class="muted">stand-in ${esc(d.stand_in.challenged)}</span>` : ""}</td>
      <td>${esc(d.hour || "")}</td><td>${esc(d.state)}${d.winner ? ", won by the " + esc(d.winner) : ""}${d.fallen.length ? `<br>fallen: ${esc(d.fallen.join(", "))}` : ""}</td></tr>`));
  fill("families", ["family", "head", "members", "recruits", "High Table"],
    Object.entries(view.families).map(([id, f]) => `<tr><td>${esc(f.name)}</td><td>${esc(f.head)}</td><td>${esc(f.members.join(", "))}</td><td>${esc(f.recruits.join(", "))}</td><td>${f.high_table ? "yes" : "no"}</td></tr>`));
  fill("hotels", ["hotel", "manager", "ground", "open", "balance"],
    Object.entries(view.hotels).map(([id, h]) => `<tr><td>${esc(h.name)}</td><td>${esc(h.manager || "")}</td><td>${h.consecrated ? "consecrated" : "deconsecrated"}</td><td>${h.open ? "open" : "closed"}</td><td class="num">${h.balance}</td></tr>`));
  fill("alliances", ["", "between", "state"],
    [...Object.entries(view.alliances).map(([id, a]) => `<tr><td>alliance ${esc(id)}<br><span class="muted">${esc(a.purpose)}</span></td><td>${esc(a.proposer)} & ${esc(a.partner)}</td><td>${esc(a.state)}</td></tr>`),
     ...Object.entries(view.parlays).map(([id, p]) => `<tr><td>parlay ${esc(id)}</td><td>${esc(p.requester)} & ${esc(p.adjudicator)}</td><td>${esc(p.state)}</td></tr>`)]);
  drawGraph(document.querySelector("#graph svg"), view);
  renderTimeline();
}

function mentions(event, member) {
  return event.by === member || Object.values(event).some((v) => v === member || (Array.isArray(v) && v.includes(member)));
}

function renderTimeline() {
  const member = document.getElementById("filter").value;
  const list = document.querySelector("#timeline ul");
  list.innerHTML = events.filter((e) => !member || mentions(e, member)).slice(-400).reverse().map((e) =>
    `<li class="${e.type === "breach_recorded" ? "breach" : ""} ${e.at > shownAt ? "future" : ""}" data-seq="${e.seq}"><span class="at">${esc(e.at)}</span><b>${esc(e.type.replaceAll("_", " "))}</b> by ${esc(e.by)} ${describe(e)}</li>`).join("");
}

function updateFilter(view) {
  const select = document.getElementById("filter");
  const known = new Set([...select.options].map((o) => o.value));
  for (const id of Object.keys(view.members)) {
    if (!known.has(id)) select.insertAdjacentHTML("beforeend", `<option>${esc(id)}</option>`);
  }
}

async function show(instant) {
  try {
    const view = await api(`/worlds/${encodeURIComponent(WORLD)}/view` + (instant ? `?at=${encodeURIComponent(instant)}` : ""));
    render(view);
    updateFilter(view);
    document.getElementById("error").textContent = "";
  } catch (error) {
    document.getElementById("error").textContent = error.message;
  }
}

function setRange(newClock) {
  const wasLive = atLiveEnd();
  clock = newClock;
  slider.min = Date.parse(start) / 1000;
  slider.max = Date.parse(clock) / 1000;
  if (wasLive) slider.value = slider.max;
}

slider.addEventListener("input", () => {
  const instant = atLiveEnd() ? clock : toInstant(Number(slider.value) * 1000);
  document.getElementById("instant").textContent = instant;
  document.getElementById("live").classList.toggle("on", atLiveEnd());
  clearTimeout(pending);
  pending = setTimeout(() => show(instant), 120);
});
document.getElementById("filter").addEventListener("change", renderTimeline);

async function loadLog() {
  let after = 0;
  for (;;) {
    const page = await api(`/worlds/${encodeURIComponent(WORLD)}/events?after=${after}&limit=1000`);
    events.push(...page.events);
    if (page.next_after === null) return;
    after = page.next_after;
  }
}

function follow() {
  const last = events.length ? events[events.length - 1].seq : 0;
  // names=false: every event arrives as a plain message, whatever its type.
  const feed = new EventSource(withToken(`/worlds/${encodeURIComponent(WORLD)}/feed?after=${last}&seconds=3600&names=false`));
  feed.onmessage = (message) => {
    const event = JSON.parse(message.data);
    if (events.length && event.seq <= events[events.length - 1].seq) return;
    events.push(event);
    setRange(event.at > clock ? event.at : clock);
    if (atLiveEnd()) {
      clearTimeout(pending);
      pending = setTimeout(() => show(null), 100);
    } else {
      renderTimeline();
    }
  };
  feed.onopen = () => document.getElementById("live").classList.add("on");
  feed.onerror = () => document.getElementById("live").classList.remove("on");
}

(async () => {
  try {
    await loadLog();
    const view = await api(`/worlds/${encodeURIComponent(WORLD)}/view`);
    start = view.start;
    setRange(view.clock);
    slider.value = slider.max;
    document.getElementById("live").classList.add("on");
    render(view);
    updateFilter(view);
    follow();
  } catch (error) {
    document.getElementById("error").textContent = error.message;
  }
})();
