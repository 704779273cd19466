// The what-if storm: a fork of the world stormed by the server, its counts shown beside it.
"use strict";

async function runStorm(event) {
  event.preventDefault();
  const report = document.getElementById("storm-report");
  const seed = Number(document.getElementById("storm-seed").value);
  const steps = Number(document.getElementById("storm-steps").value);
  report.textContent = "storming…";
  try {
    const response = await fetch(withToken(`/worlds/${encodeURIComponent(WORLD)}/storm`), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ seed, steps }),
    });
    const body = await response.json();
    if (!response.ok) throw new Error(`${body.rule}: ${body.message}`);
    report.innerHTML = stormReport(body);
  } catch (error) {
    report.innerHTML = `<p class="error">${esc(error.message)}</p>`;
  }
}

function stormReport(body) {
  const held = body.violation
    ? `<p class="error" id="storm-verdict">broken at step ${esc(body.violation.step)}: ${esc(body.violation.check)} — ${esc(body.violation.detail)}</p>`
    : `<p id="storm-verdict">every promise held</p>`;
  const rules = Object.entries(body.refused_by_rule)
    .sort((a, b) => b[1] - a[1])
    .map(([rule, count]) => `<tr><td>${ruleLink(rule)}</td><td>${esc(count)}</td></tr>`)
    .join("");
  const missed = body.rules_not_reached.map(ruleLink).join(" ") || "none";
  return `${held}
    <p id="storm-counts">${esc(body.steps)} steps: ${esc(body.accepted)} accepted, ${esc(body.refused)} refused
      (${esc(body.steps_per_second)} steps/s)</p>
    <table class="storm-rules"><tr><th>refused with</th><th>times</th></tr>${rules}</table>
    <p>rules the storm never reached: ${missed}</p>`;
}

document.getElementById("storm-form").addEventListener("submit", runStorm);
