// Time travel by events: the slider steps through the log one event at a time, jumps by day and
// by chapter (a note whose first line is "# Title"), shows ticks where days and chapters begin,
// and keeps the instant in the address so that it can be shared.
"use strict";

const WHOLE_MAX = 5000;  // a log this short is read whole: ticks and filters see every event
const CHAPTER_LINES = 4, CHAPTER_LINE_PX = 13;  // the lines chapter labels stagger over
const travel = { head: 0, seq: 0, events: new Map(), whole: false, days: [], chapters: [] };
const slider = document.getElementById("slider");

function isLive() {
  return travel.seq >= travel.head;
}

function eventsPath(query) {
  return `/worlds/${encodeURIComponent(WORLD)}/events?${query}`;
}

function keep(page) {
  for (const event of page.events) travel.events.set(event.seq, event);
  travel.head = Math.max(travel.head, page.head || 0);
  slider.max = Math.max(travel.head, 1);
  return page;
}

// The first page: the one around `instant` (else the end); the rest of a short log after it.
async function loadFirst(instant) {
  const first = keep(await api(eventsPath(`at=${encodeURIComponent(instant || "9999-12-31T23:59:59Z")}&limit=1000`)));
  if (travel.head <= WHOLE_MAX) {
    let after = 0;
    while (after !== null && travel.events.size < travel.head) {
      const page = keep(await api(eventsPath(`after=${after}&limit=1000`)));
      after = page.next_after;
    }
    travel.whole = travel.events.size >= travel.head;
  }
  if (travel.whole) findMarks();
  return first.seq_at;
}

async function loadAround(seq) {
  if (travel.events.has(seq)) return;
  keep(await api(eventsPath(`after=${Math.max(0, seq - 100)}&limit=200`)));
}

function findMarks() {
  travel.days = []; travel.chapters = [];
  let day = "";
  for (const [seq, event] of [...travel.events].sort((a, b) => a[0] - b[0])) {
    if (event.at.slice(0, 10) !== day) { day = event.at.slice(0, 10); travel.days.push(seq); }
    const title = scene(event.note).title;
    if (title) travel.chapters.push({ seq, title });
  }
  drawTicks();
}

function drawTicks() {
  const ticks = document.getElementById("ticks");
  const at = (seq) => `${(100 * (seq - 1)) / Math.max(travel.head - 1, 1)}%`;
  ticks.innerHTML = travel.days.map((seq) => `<span class="tick" style="left:${at(seq)}" title="${esc(travel.events.get(seq).at.slice(0, 10))}"></span>`).join("") +
    travel.chapters.map((c) => `<a class="chapter" href="${esc(addressOf(c.seq))}" data-seq="${c.seq}" style="left:${at(c.seq)}">${esc(c.title)}</a>`).join("");
  // Each label on the first line where it overlaps no label before it, as drawn at this width:
  // close chapters stagger, over as many as CHAPTER_LINES lines, and the track makes room.
  const ends = [];
  for (const label of ticks.querySelectorAll(".chapter")) {
    const box = label.getBoundingClientRect();
    let line = ends.findIndex((end) => box.left >= end + 4);
    if (line < 0) line = ends.length < CHAPTER_LINES ? ends.length : ends.indexOf(Math.min(...ends));
    label.style.top = `${4 + CHAPTER_LINE_PX * line}px`;
    ends[line] = box.right;
  }
  ticks.parentElement.style.paddingBottom = `${30 + CHAPTER_LINE_PX * Math.max(0, ends.length - 2)}px`;
}
addEventListener("resize", () => { if (travel.whole) drawTicks(); });

// The address of an event's instant: ?at=INSTANT&seq=N (the token, if any, stays in the session).
function addressOf(seq) {
  const event = travel.events.get(seq);
  if (!event || seq >= travel.head) return location.pathname;
  return `${location.pathname}?at=${encodeURIComponent(event.at)}&seq=${seq}`;
}

// Move to an event: the slider, the caption, the address, then the world as of its instant.
async function go(seq, instant, atOnce = false) {
  travel.seq = Math.min(Math.max(1, Math.round(seq)), travel.head);
  slider.value = travel.seq;
  await loadAround(travel.seq);
  const event = travel.events.get(travel.seq);
  const at = instant || (isLive() ? null : event.at);
  document.getElementById("live").classList.toggle("on", isLive());
  document.getElementById("instant").textContent = at || (event ? event.at : "");
  history.replaceState(null, "", at ? `${location.pathname}?at=${encodeURIComponent(at)}&seq=${travel.seq}` : location.pathname);
  caption(event);
  renderTimeline();
  if (atOnce) await show(at);
  else showSoon(at);
}

function caption(event) {
  const box = document.getElementById("caption");
  if (!event) { box.innerHTML = ""; return; }
  let noted = null;  // the scene the event belongs to: the last note at or before it
  for (let seq = event.seq; seq > 0 && seq > event.seq - 500 && !noted; seq -= 1) {
    const earlier = travel.events.get(seq);
    if (earlier && earlier.note) noted = earlier;
  }
  // Unless a note of this very instant follows: a deadline falls when a command comes, before
  // the command's own event, which carries the command's note (six o'clock: the grace runs out).
  for (let seq = event.seq + 1; (!noted || noted.at !== event.at) && travel.events.get(seq)?.at === event.at; seq += 1) {
    if (travel.events.get(seq).note) noted = travel.events.get(seq);
  }
  const told = noted ? scene(noted.note) : { title: "", text: "" };
  box.innerHTML = `<p class="said"><span class="at">${esc(shortInstant(event.at))}</span> ${said(event)}</p>` +
    (noted ? `<p class="scene">${told.title ? `<b>${esc(told.title)}</b> · ` : ""}${esc(told.text)}</p>` : "");
}

const FIRST_MS = Date.parse("0001-01-01T00:00:00Z"), LAST_MS = Date.parse("9999-12-31T23:59:59Z");

// The last event at or before an instant (in ms): none before year 1, the last past year 9999,
// the ledger's own instants lying between.
async function seqAt(ms) {
  if (ms < FIRST_MS) return 0;
  if (ms > LAST_MS) return travel.head;
  const page = keep(await api(eventsPath(`at=${encodeURIComponent(toInstant(ms))}&limit=200`)));
  return page.seq_at;
}

function dayOf(seq) {
  const event = travel.events.get(seq);
  return event ? event.at.slice(0, 10) : "";
}

// The first event of the next day (+1) or of this day, else of the day before (-1).
async function jumpDay(direction) {
  const day = dayOf(travel.seq);
  if (direction > 0) return go((await seqAt(Date.parse(day + "T00:00:00Z") + 86400000 - 1000)) + 1);
  const start = (await seqAt(Date.parse(day + "T00:00:00Z") - 1000)) + 1;
  if (start < travel.seq) return go(start);
  await loadAround(start - 1);
  const before = dayOf(start - 1) || day;
  return go((await seqAt(Date.parse(before + "T00:00:00Z") - 1000)) + 1);
}

// A move whose reading fails says so on the page, never in the console alone.
function moving(move) {
  Promise.resolve().then(move).catch((error) => { document.getElementById("error").textContent = error.message; });
}

function jumpChapter(direction) {
  const marks = travel.chapters.map((c) => c.seq);
  const target = direction > 0 ? marks.find((s) => s > travel.seq) : marks.filter((s) => s < travel.seq).pop();
  if (target !== undefined) go(target);
  else if (direction > 0) go(travel.head);
}

slider.addEventListener("input", () => moving(() => go(Number(slider.value))));
document.addEventListener("click", (event) => {
  const link = event.target.closest("a[data-seq]");
  if (!link || event.ctrlKey || event.metaKey || event.shiftKey) return;
  event.preventDefault();
  moving(() => go(Number(link.dataset.seq)));
});
document.addEventListener("keydown", (event) => {
  const target = event.target;
  if (target.closest && target.closest("input:not([type=range]), select, textarea")) return;
  // With a modifier the keys are the browser's: Alt+← and ⌘[ go back, Ctrl+Home scrolls.
  if (event.altKey || event.ctrlKey || event.metaKey || event.defaultPrevented) return;
  const keys = { ArrowLeft: () => go(travel.seq - 1), ArrowRight: () => go(travel.seq + 1),
    PageUp: () => jumpDay(-1), PageDown: () => jumpDay(1), "[": () => jumpChapter(-1), "]": () => jumpChapter(1),
    Home: () => go(1), End: () => go(travel.head) };
  if (!keys[event.key]) return;
  event.preventDefault();
  moving(keys[event.key]);
});
for (const [id, move] of Object.entries({ "prev-chapter": () => jumpChapter(-1), "prev-day": () => jumpDay(-1),
  "prev-event": () => go(travel.seq - 1), "next-event": () => go(travel.seq + 1), "next-day": () => jumpDay(1),
  "next-chapter": () => jumpChapter(1), "to-live": () => go(travel.head) })) {
  document.getElementById(id).addEventListener("click", () => moving(move));
}
