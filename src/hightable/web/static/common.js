// Shared by the pages: the token from the address, API calls, and small helpers.
"use strict";

const params = new URLSearchParams(location.search);
// A token is of one world (the id before its first dot): the session keeps it for that world
// alone, so that a private world's token never goes with the requests of another world's page.
const PAGE_WORLD = location.pathname.startsWith("/w/") ? decodeURIComponent(location.pathname.split("/")[2]) : "";
const GIVEN_TOKEN = params.get("token") || "";
if (GIVEN_TOKEN) sessionStorage.setItem(`hightable-token:${GIVEN_TOKEN.split(".")[0]}`, GIVEN_TOKEN);
const TOKEN = GIVEN_TOKEN || (PAGE_WORLD && sessionStorage.getItem(`hightable-token:${PAGE_WORLD}`)) || "";

function withToken(path) {
  if (!TOKEN) return path;
  return path + (path.includes("?") ? "&" : "?") + "token=" + encodeURIComponent(TOKEN);
}

async function api(path) {
  const response = await fetch(withToken(path));
  const body = await response.json();
  if (!response.ok) throw new Error(`${body.rule}: ${body.message}`);
  return body;
}

function esc(value) {
  return String(value ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

function ruleLink(rule) {
  return `<a class="rule" href="/rules#${esc(rule)}">${esc(rule)}</a>`;
}

function toInstant(ms) {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

// What is left of a grace, from `from` to `to`: 2h 5m, 55m, 59s (never a rounded-down "0m").
function timeLeft(from, to) {
  const seconds = Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 120) return `${minutes}m`;
  const days = Math.floor(minutes / 1440), hours = Math.floor((minutes % 1440) / 60);
  return days >= 2 ? `${days}d ${hours}h` : `${Math.floor(minutes / 60)}h ${minutes % 60}m`;
}

// The badge of a member in a view read at `instant`: an excommunicado still in its grace (the
// view says until when) counts down.
function badge(member, instant) {
  const until = member.excommunicado_pending_until;
  if (until) {
    const left = timeLeft(instant, until);
    return `<span class="badge pending" title="excommunicado from ${esc(until)}">excommunicado in ${left}</span>`;
  }
  const label = member.status.replace("_", " ");
  return `<span class="badge ${esc(member.status)}">${esc(label)}</span>`;
}

// A grant or requirement as words: "lift_excommunicado", {eliminate: "killa"} -> "eliminate killa".
function plainly(value) {
  if (Array.isArray(value)) return value.map(plainly).join("; ");
  if (value && typeof value === "object") {
    return Object.entries(value).map(([key, inner]) => `${key.replaceAll("_", " ")} ${plainly(inner)}`).join(", ");
  }
  return String(value ?? "").replaceAll("_", " ");
}

// An event as the server says it (its `sentence`), each rule it names linked to the rule's text.
function said(event) {
  const text = event.sentence || `${event.by}: ${String(event.type || event.event).replaceAll("_", " ")}.`;
  return esc(text).replace(/\b([A-Z]+-\d+)\b/g, (rule) => ruleLink(rule));
}

// A note's chapter title (its first line, when it begins with "# ") and its scene (the rest).
function scene(note) {
  if (!note) return { title: "", text: "" };
  const [first, ...rest] = note.split("\n");
  return first.startsWith("# ") ? { title: first.slice(2).trim(), text: rest.join(" ").trim() } : { title: "", text: note };
}

// An instant as a reader says it: 2019-05-20T07:00:00Z -> 2019-05-20 07:00.
function shortInstant(instant) {
  const text = String(instant || "");
  return text.length === 20 ? text.slice(0, 10) + " " + (text.slice(17, 19) === "00" ? text.slice(11, 16) : text.slice(11, 19)) : text;
}
