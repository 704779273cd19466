// A member's balance and bounty over time: one small step chart for each, on its own scale,
// the points spaced by the member's events (a life may span years, or one night).
"use strict";

function stepChart(points, key, colour, label) {
  const width = 600, height = 90, top = 20, left = 4, right = 4;
  const values = points.map((p) => p[key]);
  const most = Math.max(...values), scale = Math.max(most, 1);  // the label says the true most
  const x = (i) => left + (points.length === 1 ? 0 : (i * (width - left - right)) / (points.length - 1));
  const y = (v) => top + (height - top - 4) * (1 - v / scale);
  let path = `M ${x(0)} ${y(values[0])}`;
  values.forEach((v, i) => { if (i) path += ` H ${x(i)} V ${y(v)}`; });
  const dots = values.map((v, i) => `<circle cx="${x(i)}" cy="${y(v)}" r="2.5" fill="${colour}"><title>${esc(shortInstant(points[i].at))}: ${v.toLocaleString("en")}</title></circle>`).join("");
  return `<svg class="chart ${key}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${label} over time">
    <text x="4" y="14" font-size="13" fill="#8c8574">${label}: ${values[values.length - 1].toLocaleString("en")} now, at most ${most.toLocaleString("en")}</text>
    <path d="${path}" fill="none" stroke="${colour}" stroke-width="1.6"/>${dots}</svg>`;
}

function drawChart(box, points) {
  if (!points.length) { box.innerHTML = `<p class="muted">no events yet</p>`; return; }
  box.innerHTML = stepChart(points, "balance", "#d4af37", "balance") + stepChart(points, "bounty", "#b3261e", "bounty") +
    `<p class="muted chart-span">${esc(shortInstant(points[0].at))} → ${esc(shortInstant(points[points.length - 1].at))}</p>`;
}
