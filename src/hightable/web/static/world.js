// The world page: the view as of the slider's instant, the timeline, the graph, and the live feed.
"use strict";

const WORLD = decodeURIComponent(location.pathname.split("/")[2]);
const BOARD_ROWS = 30;  // the first rows of each section of the board; members are searched
let shownAt = "", pending = null, liveView = null, totals = {};

document.getElementById("world-name").textContent = WORLD;
document.title = `${WORLD} — hightable`;

// A section's table; `total`, when the server sent only the first rows, says how many there are.
function fill(id, header, rows, total = totals[id] || 0) {
  const table = document.querySelector(`#${id} table`);
  const more = total > rows.length && id !== "members" ? `<tr><td class="muted" colspan="${header.length}">the first ${rows.length} of ${total.toLocaleString("en")} (those in play first)</td></tr>` : "";
  table.innerHTML = `<tr>${header.map((h) => `<th>${h}</th>`).join("")}</tr>` +
    (rows.length ? rows.join("") : `<tr><td class="muted" colspan="${header.length}">none</td></tr>`) + more;
}

// A dossier link, as of the instant shown when the slider is not at the live end.
function memberLink(id) {
  const as = isLive() ? "" : `?at=${encodeURIComponent(shownAt)}`;
  return `<a href="${withToken(`/w/${encodeURIComponent(WORLD)}/members/${encodeURIComponent(id)}${as}`)}">${esc(id)}</a>`;
}

function render(view) {
  totals = view.totals || {};
  finder.large = (view.totals ? view.totals.members : Object.keys(view.members).length) > GRAPH_WHOLE_MAX;
  shownAt = view.clock;
  document.getElementById("instant").textContent = view.clock;
  for (const key of ["supply", "treasury", "escrow"]) document.getElementById(key).textContent = view[key];
  if (finder.q || finder.offset) findMembers();
  else showMembers(view.members, view.clock, view.totals ? view.totals.members : Object.keys(view.members).length);
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
  drawRelations(view);
}

async function show(instant) {
  try {
    const view = await api(`/worlds/${encodeURIComponent(WORLD)}/view?limit=${BOARD_ROWS}` + (instant ? `&at=${encodeURIComponent(instant)}` : ""));
    if (!instant) liveView = view;
    render(view);
    // When the board first showed, for the measures of the page's tests.
    if (!window.firstPaint) window.firstPaint = performance.now();
    updateFilter(view);
    document.getElementById("error").textContent = "";
  } catch (error) {
    document.getElementById("error").textContent = error.message;
  }
}

function showSoon(instant) {
  clearTimeout(pending);
  pending = setTimeout(() => show(instant), 80);
}

// The live feed says something was appended; the new events are read with their sentences.
function follow() {
  let reading = null;
  const feed = new EventSource(withToken(`/worlds/${encodeURIComponent(WORLD)}/feed?after=${travel.head}&seconds=3600&names=false`));
  feed.onmessage = () => {
    clearTimeout(reading);
    reading = setTimeout(async () => {
      const wasLive = isLive();
      keep(await api(eventsPath(`after=${travel.head}&limit=1000`)));
      if (travel.whole) findMarks();
      if (wasLive) await go(travel.head);
      else renderTimeline();
    }, 100);
  };
  feed.onopen = () => document.getElementById("live").classList.toggle("on", isLive());
  feed.onerror = () => document.getElementById("live").classList.remove("on");
}

// Where a shared address opens: its instant and event, or, when the world cannot show them (no
// instant, before the world began, past its clock, an event of another instant), the nearest
// place it can, and a word on why.
async function opening(asked, seq) {
  let seqAtInstant;
  try {
    seqAtInstant = await loadFirst(asked);
  } catch (error) {
    if (!asked) throw error;
    await loadFirst(null);
    return { seq: travel.head, at: null, note: `this address's instant cannot be read (${error.message}); here is the world now` };
  }
  if (!asked) return { seq: seq || travel.head, at: null, note: "" };
  const first = travel.events.get(1), last = travel.events.get(travel.head);
  if (seqAtInstant < 1) {
    return { seq: 1, at: null, note: `the world began at ${first ? first.at : "a later instant"}, after this address's instant; here is its first event` };
  }
  if (seqAtInstant >= travel.head && last && Date.parse(asked.trim().replace(" ", "T").toUpperCase()) > Date.parse(last.at)) {
    return { seq: travel.head, at: null, note: `the world's clock stands at ${last.at}, before this address's instant; here is the world now` };
  }
  // Events of one instant share it: a seq of another instant would show one instant on the
  // slider and another on the board.
  const mark = travel.events.get(seqAtInstant), chosen = travel.events.get(seq);
  const same = seq && chosen && mark && chosen.at === mark.at;
  return { seq: same ? seq : seqAtInstant, at: asked, note: "" };
}

(async () => {
  try {
    const asked = params.get("at"), seq = Number(params.get("seq")) || 0;
    // A past instant is drawn on the layout of the live world: the graph keeps still as it moves.
    const [open, view] = await Promise.all([opening(asked, seq), asked ? api(`/worlds/${encodeURIComponent(WORLD)}/view?limit=${BOARD_ROWS}`) : null]);
    if (view) { liveView = view; updateFilter(view); }
    slider.min = 1;
    await go(open.seq, open.at, true);
    if (open.note) document.getElementById("error").textContent = open.note;
    follow();
  } catch (error) {
    document.getElementById("error").textContent = error.message;
  }
})();
