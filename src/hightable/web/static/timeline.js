// The timeline: the events around the slider's instant as sentences, each with its scene, each a
// link that moves the slider to it; events after the instant shown as the future.
"use strict";

const TIMELINE_BEFORE = 400, TIMELINE_AFTER = 100;  // events shown before and after the instant

function mentions(event, member) {
  return event.by === member || Object.values(event).some((v) => v === member || (Array.isArray(v) && v.includes(member)));
}

function renderTimeline() {
  const member = document.getElementById("filter").value;
  const list = document.querySelector("#timeline ul");
  // Only the run of events read without a gap around the instant: a big world's log is read in
  // pages, and a page read earlier elsewhere must not pass for the events next to this one.
  let low = travel.seq, high = travel.seq;
  while (travel.events.has(low - 1)) low -= 1;
  while (travel.events.has(high + 1)) high += 1;
  const seqs = [];
  for (let s = low; s <= high; s += 1) {
    if (travel.events.has(s) && (!member || mentions(travel.events.get(s), member))) seqs.push(s);
  }
  let index = seqs.findIndex((s) => s > travel.seq);
  if (index < 0) index = seqs.length;
  const from = Math.max(0, index - TIMELINE_BEFORE);
  const shown = seqs.slice(from, index + TIMELINE_AFTER).map((s) => travel.events.get(s)).reverse();
  list.innerHTML = shown.map((e) => {
    const told = scene(e.note);
    const classes = [e.type === "breach_recorded" ? "breach" : "", e.seq > travel.seq ? "future" : "", e.seq === travel.seq ? "here" : ""].join(" ");
    return `<li class="${classes}" data-seq="${e.seq}"><a class="at" href="${esc(addressOf(e.seq))}" data-seq="${e.seq}">${esc(shortInstant(e.at))}</a>` +
      `${said(e)}${e.note ? `<div class="scene">${told.title ? `<b>${esc(told.title)}</b> · ` : ""}${esc(told.text)}</div>` : ""}</li>`;
  }).join("");
  const first = from > 0 ? shown[shown.length - 1].seq : low;
  if (first > 1) list.insertAdjacentHTML("beforeend", `<li><a class="earlier" href="${esc(addressOf(first - 1))}" data-seq="${first - 1}">earlier events</a></li>`);
  // The instant's entry in view inside the timeline's own scroll, never scrolling the page.
  const here = list.querySelector("li.here"), box = list.parentElement;
  if (here) box.scrollTop = Math.max(0, here.offsetTop - box.offsetTop - box.clientHeight / 3);
}

function updateFilter(view) {
  const select = document.getElementById("filter");
  const known = new Set([...select.options].map((o) => o.value));
  for (const id of Object.keys(view.members)) {
    if (!known.has(id)) select.insertAdjacentHTML("beforeend", `<option>${esc(id)}</option>`);
  }
}

document.getElementById("filter").addEventListener("change", renderTimeline);
