// The web page at `/`: pipelines and their runs, each run's actions with live progress bars
// (EventSource on the run's SSE stream), errors shown. Plain HTML and JavaScript, no build step.
#include "service.hpp"

namespace synapse_service {

const std::string& web_page() {
    static const std::string page = R"html(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Synapse pipelines</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #222; background: #fafafa; }
  h1 { font-size: 1.3em; margin: 0 0 .2em; }
  h2 { font-size: 1.05em; margin: 1.2em 0 .4em; }
  .muted { color: #777; font-size: .9em; }
  .pipeline { margin-bottom: 1.5em; }
  .run { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: .6em .8em;
         margin: .5em 0; }
  .run header { display: flex; gap: .8em; align-items: baseline; flex-wrap: wrap; }
  .id { font-family: ui-monospace, monospace; font-size: .85em; }
  .status { padding: 0 .5em; border-radius: 3px; font-size: .85em; background: #eee; }
  .status.running { background: #dbeafe; } .status.completed { background: #dcfce7; }
  .status.failed { background: #fee2e2; } .status.cancelled { background: #fef9c3; }
  .action { display: grid; grid-template-columns: 10em 6em 1fr 9em; gap: .6em;
            align-items: center; margin: .25em 0; }
  .bar { height: .8em; background: #eee; border-radius: 4px; overflow: hidden; }
  .fill { height: 100%; width: 0; background: #3b82f6; transition: width .2s; }
  .action.completed .fill { background: #22c55e; } .action.failed .fill { background: #ef4444; }
  .error { color: #b91c1c; white-space: pre-wrap; margin: .3em 0; }
  #problem { color: #b91c1c; }
</style>
</head>
<body>
<h1>Synapse pipelines</h1>
<div class="muted">Runs of the pipeline service; progress is live over server-sent events.</div>
<div id="problem"></div>
<div id="pipelines"></div>
<script>
"use strict";
const api = "/api/v1";
const terminal = new Set(["completed", "failed", "cancelled"]);
const streams = new Map();   // run id -> EventSource
const maxStreams = 8;
let token = sessionStorage.getItem("synapse-token") || "";

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

async function get(path) {
  const headers = token ? {Authorization: "Bearer " + token} : {};
  const r = await fetch(api + path, {headers});
  if (r.status === 401) {
    const t = prompt("This service needs a token");
    if (t) { token = t; sessionStorage.setItem("synapse-token", t); return get(path); }
  }
  if (!r.ok) {
    let detail = r.statusText;
    try { detail = JSON.stringify((await r.json()).detail); } catch (e) {}
    throw new Error(path + ": HTTP " + r.status + " " + detail);
  }
  return r.json();
}

function showProblem(text) { document.getElementById("problem").textContent = text || ""; }

function runCard(run) {
  let card = document.getElementById("run-" + run.id);
  if (!card) {
    card = el("div", "run");
    card.id = "run-" + run.id;
    card.dataset.run = run.id;
    const head = el("header");
    head.append(el("span", "id", run.id), el("span", "status"), el("span", "muted when"));
    card.append(head, el("div", "actions"), el("div", "error"));
  }
  return card;
}

// Renders a run (RunRead or a stream object: both carry status, progress, error, times).
function render(card, state) {
  const status = card.querySelector(".status");
  status.textContent = state.status;
  status.className = "status " + state.status;
  card.dataset.status = state.status;
  card.querySelector(".when").textContent =
    state.started_at ? "started " + state.started_at + (state.completed_at ? ", ended " + state.completed_at : "") : "";
  card.querySelector(":scope > .error").textContent = state.error ? "Error: " + state.error : "";
  const list = card.querySelector(".actions");
  (state.progress || []).forEach((a, i) => {
    let row = list.children[i];
    if (!row) {
      row = el("div", "action");
      const bar = el("div", "bar");
      bar.append(el("div", "fill"));
      row.append(el("span", "name"), el("span", "astatus"), bar, el("span", "muted msg"));
      row.append(el("div", "error aerror"));
      list.append(row);
    }
    row.className = "action " + a.status;
    row.querySelector(".name").textContent = a.name;
    row.querySelector(".astatus").textContent = a.status;
    const pct = Math.round((a.progress || 0) * 1000) / 10;
    const bar = row.querySelector(".bar");
    bar.dataset.progress = String(a.progress || 0);
    const seen = bar.dataset.history ? bar.dataset.history.split(",") : [];
    if (seen[seen.length - 1] !== String(a.progress || 0)) seen.push(String(a.progress || 0));
    bar.dataset.history = seen.join(",");
    bar.querySelector(".fill").style.width = pct + "%";
    row.querySelector(".msg").textContent = (a.message || "") + " " + pct + "%";
    row.querySelector(".aerror").textContent = a.error ? a.error : "";
  });
}

function follow(run) {
  if (streams.has(run.id) || terminal.has(run.status) || streams.size >= maxStreams) return;
  const url = api + "/runs/" + encodeURIComponent(run.id) + "/progress/stream" +
              (token ? "?access_token=" + encodeURIComponent(token) : "");
  const source = new EventSource(url);
  streams.set(run.id, source);
  const card = document.getElementById("run-" + run.id);
  const update = (e) => {
    const state = JSON.parse(e.data);
    render(card, state);
    if (terminal.has(e.type)) { source.close(); streams.delete(run.id); }
  };
  for (const name of ["progress", "completed", "failed", "cancelled"]) source.addEventListener(name, update);
  source.addEventListener("reset", () => {});  // the current state follows it
  source.addEventListener("error", (e) => {
    if (e.data) {  // the service's own error event: the run was deleted
      card.querySelector(":scope > .error").textContent = "Error: " + JSON.parse(e.data).error;
      card.dataset.status = "deleted";
      source.close(); streams.delete(run.id);
    } else if (source.readyState === EventSource.CLOSED) {
      streams.delete(run.id);
      showProblem("Lost the progress stream of run " + run.id);
    }  // otherwise the browser reconnects by itself, with Last-Event-ID
  });
}

async function refresh() {
  try {
    const [pipelines, runs] = await Promise.all([get("/pipelines/"), get("/runs/?limit=100")]);
    const root = document.getElementById("pipelines");
    if (!pipelines.length) root.textContent = "No pipelines yet.";
    else if (root.textContent === "No pipelines yet.") root.textContent = "";
    for (const p of pipelines) {
      let section = document.getElementById("pipeline-" + p.id);
      if (!section) {
        section = el("section", "pipeline");
        section.id = "pipeline-" + p.id;
        section.append(el("h2", "", p.name), el("div", "muted", p.description || ""), el("div", "runs"));
        root.append(section);
      }
      const runsOf = runs.filter((r) => r.pipeline_id === p.id);
      const box = section.querySelector(".runs");
      if (!runsOf.length && !box.children.length) box.textContent = "No runs.";
      for (const r of runsOf) {
        if (box.textContent === "No runs.") box.textContent = "";
        const card = runCard(r);
        if (!card.parentNode) { box.append(card); render(card, r); }
        else if (!streams.has(r.id)) render(card, r);
        follow(r);
      }
    }
    showProblem("");
  } catch (e) {
    showProblem(String(e.message || e));
  }
}

refresh();
setInterval(refresh, 5000);
</script>
</body>
</html>
)html";
    return page;
}

}  // namespace synapse_service
