// The biglearn dashboard: one page, fed by the run's server-sent events (read through fetch, so the token can go in a header).
// Charts: uPlot (vendored under assets/vendor/uplot). Nothing here is fetched from anywhere but this server.
"use strict";

// The agent table's columns, in order; a column whose values are all null is hidden (e.g. "corrected" until the ledger has it).
const AGENT_COLUMNS = [
  { key: "id", label: "agent", text: true },
  { key: "group", label: "group", text: true },
  { key: "tasks", label: "tasks" },
  { key: "credit", label: "credit ΔJ" },
  { key: "share", label: "credit share", percent: true },
  { key: "corrected", label: "corrected credit" },
  { key: "alignment", label: "alignment" },
  { key: "rejections", label: "rejections" },
  { key: "restarts", label: "restarts" },
  { key: "node", label: "where it lives", text: true },
];
const PALETTE = ["#2f6fd6", "#d6572f", "#2fa46b", "#9b4fd1", "#c9a227", "#2fb3c4", "#c43f8e", "#6b7a2f", "#7a4a2f", "#4f5fd1"];

const $ = (id) => document.getElementById(id);
const state = { runId: null, snapshot: null, evaluations: [], credit: [], charts: {}, creditChart: null, agentChart: null, pictures: "", stream: null, agent: null };

function token() { return $("token").value.trim(); }
function headers() { const t = token(); return t ? { Authorization: "Bearer " + t } : {}; }
function fmt(v, digits = 4) {
  if (v === null || v === undefined) return "–";
  if (typeof v !== "number") return String(v);
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return v.toLocaleString("en");
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(2);
  return Number(v.toPrecision(digits)).toString();
}
function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) { if (k === "class") e.className = v; else if (k.startsWith("data-")) e.setAttribute(k, v); else e[k] = v; }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(c));
  return e;
}
function hashParams() { return new URLSearchParams(location.hash.replace(/^#/, "")); }

async function start() {
  $("token").value = sessionStorage.getItem("biglearn-token") || "";
  $("token").addEventListener("change", () => { sessionStorage.setItem("biglearn-token", token()); connect(); });
  $("btn-pause").addEventListener("click", () => control("pause"));
  $("btn-resume").addEventListener("click", () => control("resume"));
  $("btn-stop").addEventListener("click", () => control("stop"));
  $("run-select").addEventListener("change", (e) => { location.hash = "run=" + encodeURIComponent(e.target.value); });
  $("agent-back").addEventListener("click", (e) => { e.preventDefault(); location.hash = "run=" + encodeURIComponent(state.runId); });
  window.addEventListener("hashchange", route);
  window.addEventListener("resize", resizeCharts);
  await route();
}

async function route() {
  const params = hashParams();
  const runs = await listRuns();
  const wanted = params.get("run") || (runs.length ? runs[runs.length - 1].id : null);
  if (wanted && wanted !== state.runId) { state.runId = wanted; resetRun(); connect(); }
  const agent = params.get("agent");
  state.agent = agent === null ? null : Number(agent);
  $("run-view").hidden = state.agent !== null;
  $("agent-view").hidden = state.agent === null;
  if (state.agent !== null) await showAgent();
  else resizeCharts();
}

async function listRuns() {
  try {
    const response = await fetch("/api/runs", { headers: headers() });
    if (!response.ok) { setStatus(response.status === 401 ? "token needed" : "error " + response.status); return []; }
    const runs = await response.json();
    const select = $("run-select");
    select.replaceChildren(...runs.map(r => el("option", { value: r.id, selected: r.id === state.runId }, `${r.experiment} (${r.id}, ${r.status})`)));
    select.hidden = runs.length < 2;
    if (!runs.length) setStatus("waiting for a run");
    return runs;
  } catch { setStatus("server gone"); return []; }
}

function resetRun() {
  state.snapshot = null; state.evaluations = []; state.credit = []; state.pictures = "";
  for (const c of Object.values(state.charts)) c.plot.destroy();
  state.charts = {}; $("curves").replaceChildren();
  if (state.creditChart) { state.creditChart.destroy(); state.creditChart = null; }
}

// Server-sent events over fetch: "event: state" blocks with one JSON line of data each; reconnects while the page is open.
async function connect() {
  if (!state.runId) return;
  const id = state.runId;
  if (state.stream) state.stream.abort();
  const abort = new AbortController();
  state.stream = abort;
  try {
    const response = await fetch(`/api/runs/${encodeURIComponent(id)}/events`, { headers: headers(), signal: abort.signal });
    if (!response.ok) { setStatus(response.status === 401 ? "token needed" : "error " + response.status); return; }
    state.evaluations = []; state.credit = [];
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, end); buffer = buffer.slice(end + 2);
        const data = block.split("\n").filter(l => l.startsWith("data: ")).map(l => l.slice(6)).join("\n");
        if (block.startsWith("event: state") && data && id === state.runId) onState(JSON.parse(data));
      }
    }
  } catch (e) { if (abort.signal.aborted) return; }
  if (state.stream !== abort) return;
  const live = state.snapshot && state.snapshot.live;
  setStatus(live ? (["done", "failed", "interrupted"].includes(state.snapshot.status) ? state.snapshot.status + " (server gone)" : "disconnected") : "disconnected");
  setTimeout(() => { if (state.stream === abort) connect(); }, 3000);
}

function onState(s) {
  state.evaluations.length = Math.min(state.evaluations.length, s.evaluationsFrom);
  state.evaluations.push(...s.evaluations);
  state.credit.length = Math.min(state.credit.length, s.creditFrom);
  state.credit.push(...s.credit);
  state.snapshot = s;
  renderHeader(s);
  renderCurves(s);
  renderCredit(s);
  renderPictures(s);
  renderGroups(s);
  renderAgents(s);
  renderFigures(s);
  $("events").replaceChildren(...s.events.slice().reverse().map(e => el("li", {}, `${fmt(e.tasks)} tasks: ${e.text}`)));
  if (state.agent !== null) throttledAgent();
}

function setStatus(text, cls) { const b = $("status"); b.textContent = text; b.className = "badge " + (cls || text.split(" ")[0]); }

function renderHeader(s) {
  document.title = `${s.experiment} — ${s.status} — biglearn`;
  $("experiment").textContent = s.experiment;
  $("kind").textContent = `${s.kind}: ${s.title}${s.live ? "" : " (from its files)"}`;
  setStatus(s.status);
  $("progress").max = Math.max(1, s.budget); $("progress").value = s.tasksDone;
  $("tasks").textContent = `${fmt(s.tasksDone)} / ${fmt(s.budget)} tasks`;
  $("phase").textContent = s.phase;
  $("elapsed").textContent = s.seconds == null ? "" : `${s.seconds.toFixed(1)} s`;
  $("controls").classList.toggle("readonly", !s.controllable);
  $("message").textContent = s.message || "";
}

function chartSize(div) { return { width: Math.max(300, div.clientWidth - 10), height: 220 }; }

function renderCurves(s) {
  const groups = {};
  for (const c of s.curves) (groups[c.chart] ||= []).push(c);
  const xs = state.evaluations.map(e => e.tasks);
  for (const [chart, curves] of Object.entries(groups)) {
    let entry = state.charts[chart];
    if (!entry) {
      const div = el("div", { class: "chart", id: "chart-" + chart });
      $("curves").append(div);
      const opts = { ...chartSize(div), title: curves.map(c => c.label).join(", "), scales: { x: { time: false } },
        axes: [{ label: "tasks" }, {}],
        series: [{ label: "tasks" }, ...curves.map((c, i) => ({ label: c.label, stroke: PALETTE[i % PALETTE.length], width: 2, points: { show: true, size: 5 } }))] };
      entry = state.charts[chart] = { div, plot: new uPlot(opts, [[]].concat(curves.map(() => [])), div), curves };
    }
    const data = [xs, ...entry.curves.map(c => state.evaluations.map(e => e.values[c.name] ?? null))];
    entry.plot.setData(data);
    entry.div.setAttribute("data-points", String(xs.length));
  }
}

function renderCredit(s) {
  const div = $("credit-chart");
  if (!s.hasLedger) { $("credit-note").textContent = "this run has no ledger (no credit)"; return; }
  $("credit-note").textContent = "cumulative ΔJ credited to each group (docs/contributions.md)";
  const names = s.groups.map(g => g.name);
  if (!state.creditChart) {
    state.creditChart = new uPlot({ ...chartSize(div), scales: { x: { time: false } }, axes: [{ label: "tasks" }, { label: "credit" }],
      series: [{ label: "tasks" }, ...names.map((n, i) => ({ label: n, stroke: PALETTE[i % PALETTE.length], width: 2 }))] },
      [[]].concat(names.map(() => [])), div);
  }
  state.creditChart.setData([state.credit.map(p => p.tasks), ...names.map((_, g) => state.credit.map(p => p.groups[g]))]);
  div.setAttribute("data-points", String(state.credit.length));
}

function renderPictures(s) {
  const key = s.pictures.map(p => p.url).join("|");
  if (key === state.pictures) return;
  state.pictures = key;
  if (!s.pictures.length) return;
  $("pictures").replaceChildren(...s.pictures.map(p => el("figure", { "data-name": p.name },
    el("img", { src: p.url, alt: p.title }), el("figcaption", {}, `${p.title} — after ${fmt(p.tasks)} tasks`))));
}

function renderGroups(s) {
  $("groups").tBodies[0].replaceChildren(...s.groups.map(g => {
    const input = el("input", { class: "share", type: "number", min: "0", step: "any", value: g.share });
    const set = el("button", { type: "button" }, "set");
    set.addEventListener("click", () => control("share", { group: g.name, share: Number(input.value) }));
    const share = el("td", {}, input, " ", set);
    if (!s.controllable) share.replaceChildren(fmt(g.share));
    return el("tr", { "data-group": g.name }, el("td", {}, g.name), el("td", { class: "text" }, g.masks), el("td", {}, fmt(g.agents)),
      el("td", {}, g.window), el("td", {}, g.active ? "yes" : "no"), el("td", {}, fmt(g.tasks)), el("td", {}, fmt(g.credit)), share);
  }));
}

function agentColumns(agents) { return AGENT_COLUMNS.filter(c => agents.some(a => a[c.key] !== null && a[c.key] !== undefined)); }
function cell(c, a) { const v = a[c.key]; return c.percent && v != null ? (100 * v).toFixed(1) + " %" : fmt(v); }

function renderAgents(s) {
  const columns = agentColumns(s.agents);
  const table = $("agents");
  table.tHead.rows[0].replaceChildren(...columns.map(c => el("th", { class: c.text ? "text" : "" }, c.label)));
  table.tBodies[0].replaceChildren(...s.agents.map(a => {
    const row = el("tr", { "data-agent": String(a.id) }, ...columns.map(c => el("td", { class: c.text ? "text" : "" }, cell(c, a))));
    row.addEventListener("click", () => { location.hash = `run=${encodeURIComponent(state.runId)}&agent=${a.id}`; });
    return row;
  }));
}

function renderFigures(s) {
  $("figures").tBodies[0].replaceChildren(...Object.entries(s.figures).map(([k, v]) => el("tr", {}, el("td", {}, k.replaceAll("_", " ")), el("td", {}, fmt(v)))));
}

let agentTimer = null;
function throttledAgent() { if (agentTimer) return; agentTimer = setTimeout(() => { agentTimer = null; showAgent(); }, 1000); }

async function showAgent() {
  const id = state.agent;
  const response = await fetch(`/api/runs/${encodeURIComponent(state.runId)}/agents/${id}`, { headers: headers() });
  if (!response.ok) { $("agent-title").textContent = `agent ${id}: ${response.status}`; return; }
  const d = await response.json();
  if (state.agent !== id) return;
  const row = d.row;
  $("agent-title").textContent = `agent ${row.id} (${row.group})`;
  const columns = AGENT_COLUMNS.filter(c => row[c.key] !== null && row[c.key] !== undefined);
  $("agent-facts").tBodies[0].replaceChildren(el("tr", {}, el("td", {}, "masks"), el("td", { class: "text" }, d.masks)),
    ...columns.map(c => el("tr", {}, el("td", {}, c.label), el("td", {}, cell(c, row)))));
  const div = $("agent-chart");
  if (!state.agentChart) {
    state.agentChart = new uPlot({ ...chartSize(div), scales: { x: { time: false }, n: {} }, axes: [{ label: "tasks of the run" }, { label: "credit" }, { side: 1, scale: "n", label: "own tasks", grid: { show: false } }],
      series: [{ label: "tasks" }, { label: "credit", stroke: PALETTE[0], width: 2 }, { label: "own tasks", stroke: PALETTE[1], width: 1, scale: "n" }] }, [[], [], []], div);
  }
  state.agentChart.setData([d.history.map(p => p.tasks), d.history.map(p => p.credit), d.history.map(p => p.ownTasks)]);
  div.setAttribute("data-points", String(d.history.length));
  $("agent-sizes").replaceChildren(d.observedSizes ? histogram(d.observedSizes) : el("p", { class: "muted" }, "not recorded"));
  $("agent-transforms").tBodies[0].replaceChildren(...Object.entries(d.transforms || {}).map(([k, v]) => el("tr", {}, el("td", {}, k), el("td", {}, fmt(v)))));
  $("agent-note").textContent = d.note || "";
}

// A bar per |S| from 0 to L (hand-written SVG: a histogram needs no chart library); a wide L is binned to at most 50 bars.
function histogram(counts) {
  const L = counts.length - 1, bins = Math.min(counts.length, 50), width = 420, height = 150, pad = 24;
  const binned = new Array(bins).fill(0);
  counts.forEach((c, i) => { binned[Math.min(bins - 1, Math.floor(i * bins / counts.length))] += c; });
  const max = Math.max(1, ...binned), bw = (width - pad) / bins;
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("width", width); svg.setAttribute("height", height + 20); svg.setAttribute("id", "sizes-svg");
  binned.forEach((c, i) => {
    const h = (height - 10) * c / max, r = document.createElementNS(ns, "rect");
    r.setAttribute("x", pad + i * bw + 1); r.setAttribute("y", height - h); r.setAttribute("width", Math.max(1, bw - 2)); r.setAttribute("height", h);
    r.setAttribute("fill", PALETTE[0]); r.setAttribute("data-count", c);
    const t = document.createElementNS(ns, "title"); t.textContent = `${c} task(s)`; r.append(t); svg.append(r);
  });
  const label = (x, y, text) => { const t = document.createElementNS(ns, "text"); t.setAttribute("x", x); t.setAttribute("y", y); t.textContent = text; svg.append(t); };
  label(pad, height + 14, "|S| = 0"); label(width - 40, height + 14, `${L}`); label(0, 12, fmt(max));
  return svg;
}

function resizeCharts() {
  for (const c of Object.values(state.charts)) c.plot.setSize(chartSize(c.div));
  if (state.creditChart) state.creditChart.setSize(chartSize($("credit-chart")));
}

async function control(action, body) {
  const out = $("control-result");
  out.textContent = `${action}…`;
  try {
    const response = await fetch(`/api/runs/${encodeURIComponent(state.runId)}/${action}`, {
      method: "POST", headers: { ...headers(), "Content-Type": "application/json" }, body: body ? JSON.stringify(body) : "{}" });
    const answer = await response.json().catch(() => ({}));
    out.textContent = response.ok ? answer.done : `refused (${response.status}): ${answer.error || response.statusText}`;
    out.setAttribute("data-status", String(response.status));
  } catch (e) { out.textContent = `failed: ${e}`; }
}

start();
