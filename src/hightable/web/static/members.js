// Members searched and paged through the API (a world may hold thousands), and the graph: the
// whole world when it is small, else drawn around one member (their neighbours only).
"use strict";

const GRAPH_WHOLE_MAX = 60;  // more members than this: the graph is drawn around one of them
const finder = { q: "", offset: 0, limit: 30, centre: "", large: false, asked: 0 };

function memberRows(members, clock) {
  return Object.entries(members).map(([id, m]) => `<tr data-member="${esc(id)}"><td>${memberLink(id)}<br><bdi class="muted">${esc(m.name)}</bdi>${finder.large ? ` <button type="button" class="centre" data-centre="${esc(id)}" title="draw the graph around ${esc(id)}">graph</button>` : ""}</td>
      <td class="status">${badge(m, clock)}</td><td>${esc(m.family || (m.recruit_of ? "recruit of " + m.recruit_of : ""))}</td>
      <td>${esc(m.offices.join(", "))}</td><td class="num">${m.balance}</td><td class="num">${m.bounty}</td>
      <td>${m.breaches.map(ruleLink).join(" ")}</td></tr>`);
}

function showMembers(members, clock, total) {
  const rows = memberRows(members, clock);
  fill("members", ["member", "status", "family", "offices", "balance", "bounty", "breaches"], rows, total);
  const first = rows.length ? finder.offset + 1 : 0;
  document.getElementById("member-count").textContent = `${first}–${finder.offset + rows.length} of ${total.toLocaleString("en")}`;
  document.getElementById("members-prev").disabled = finder.offset === 0;
  document.getElementById("members-next").disabled = finder.offset + rows.length >= total;
}

// The page of members matching the search, as of the instant shown (a late answer is dropped).
async function findMembers() {
  const asked = ++finder.asked;
  const at = isLive() ? "" : `&at=${encodeURIComponent(shownAt)}`;
  const page = await api(`/worlds/${encodeURIComponent(WORLD)}/members?q=${encodeURIComponent(finder.q)}&offset=${finder.offset}&limit=${finder.limit}${at}`);
  if (asked === finder.asked) showMembers(page.members, page.clock, page.total);
}

async function drawRelations(view) {
  const svg = document.querySelector("#graph svg");
  const count = view.totals ? view.totals.members : Object.keys(view.members).length;
  finder.large = count > GRAPH_WHOLE_MAX;
  const note = document.getElementById("graph-around");
  if (!finder.large) {
    note.textContent = "";
    drawGraph(svg, view, liveView || view);
    return;
  }
  finder.centre = finder.centre || Object.keys(view.members)[0] || "";
  if (!finder.centre) return;
  note.textContent = `around ${finder.centre}: the objects that name them, and the members those name (${count.toLocaleString("en")} members in all; pick another with its “graph” button)`;
  const at = isLive() ? "" : `&at=${encodeURIComponent(view.clock)}`;
  try {
    drawGraph(svg, await api(`/worlds/${encodeURIComponent(WORLD)}/view?around=${encodeURIComponent(finder.centre)}&limit=20${at}`), null, finder.centre);
  } catch (error) {
    note.textContent = error.message;  // not yet born at this instant, or gone
  }
}

let searching = null;
document.getElementById("member-q").addEventListener("input", (event) => {
  clearTimeout(searching);
  searching = setTimeout(() => { finder.q = event.target.value.trim(); finder.offset = 0; findMembers(); }, 200);
});
document.getElementById("member-search").addEventListener("submit", (event) => event.preventDefault());
document.getElementById("members-prev").addEventListener("click", () => { finder.offset = Math.max(0, finder.offset - finder.limit); findMembers(); });
document.getElementById("members-next").addEventListener("click", () => { finder.offset += finder.limit; findMembers(); });
// A member's "graph" button, or a member drawn in a large world's graph, centres it there.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-centre]") || (finder.large && event.target.closest("circle[data-member]"));
  if (!button) return;
  finder.centre = button.dataset.centre || button.dataset.member;
  show(isLive() ? null : shownAt);
});
