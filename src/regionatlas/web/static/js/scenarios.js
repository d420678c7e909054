// Scenario lab: the levers as a form, results recomputed live (debounced POST to run.json),
// a diverging map + table of the change by municipality of residence, and a comparison of two.
import * as maplibregl from "../vendor/maplibre-gl/maplibre-gl.mjs";
import { ENDED_SWATCH, ROOT, config, el, endedImage, endedText, fmt, getJSON, hatchImage, mapOptions, placeLabels, t } from "./common.js";

const $ = (id) => document.getElementById(id);
const form = $("scenario-form");
const choice = $("scenario-choice");
const INDICATORS = ["persons", "commuter_km_day", "commuter_km_year", "car_vkm_year", "co2_t_year", "hours_year"];
// ColorBrewer PuOr (colour-vision-deficiency safe): purple = fewer km, orange = more km
const PALETTE = ["#542788", "#998ec3", "#d8daeb", "#f7f7f7", "#fee0b6", "#f1a340", "#b35806"];
let map = null;
let mapData = null;
let timer = null;
let controller = null;
let runs = 0;

const scenarioDef = () => config.scenarios[choice.value] || { levers: {}, weights: {} };
const leverLabel = (lever) => document.querySelector(`fieldset[data-lever="${lever}"] legend`)?.textContent || lever;

function fillForm() {
  const def = scenarioDef();
  $("scenario-description").textContent = def.description || "";
  for (const fs of form.querySelectorAll("fieldset[data-lever]")) {
    const lever = fs.dataset.lever;
    const spec = def.levers[lever];
    fs.querySelector("[data-enabled]").checked = !!spec && spec.enabled !== false;
    for (const c of fs.querySelectorAll("[data-key]")) {
      const v = spec ? spec[c.dataset.key] : undefined;
      if (c.tagName === "OUTPUT") c.value = v === undefined ? "–" : JSON.stringify(v);
      else if (c.dataset.kind === "boolean") c.checked = v === undefined ? c.defaultChecked : !!v;
      else if (c.tagName === "SELECT") c.value = v ?? c.options[0].value;
      // a parameter the scenario leaves open shows its default (so an emptied field is an error)
      else if (c.dataset.kind === "share") c.value = v === undefined || v === null ? c.placeholder : String(+(v * 100).toFixed(2));
      else c.value = v ?? c.placeholder;
      if (c.setCustomValidity) c.setCustomValidity("");
    }
  }
  for (const w of form.querySelectorAll("[data-goal]")) w.value = def.weights[w.dataset.goal] ?? "";
  for (const e of form.querySelectorAll(".field-error")) e.textContent = "";
  for (const c of form.querySelectorAll("[aria-invalid]")) c.removeAttribute("aria-invalid");
}

// Check one number field in the page's language; the person's input stays as typed.
// Returns the message ("" when the value is fine).
function checkField(c) {
  if (c.tagName !== "INPUT" || c.type !== "number") return "";
  const box = document.getElementById(`${c.id}-error`);
  let message = "";
  if (c.validity.badInput) message = t("scenario.invalid_number");
  else if (c.value === "") message = c.placeholder ? t("scenario.invalid_empty", { value: c.placeholder }) : "";
  else {
    const v = Number(c.value);
    const lo = c.min === "" ? null : Number(c.min), hi = c.max === "" ? null : Number(c.max);
    if (c.dataset.kind === "integer" && !Number.isInteger(v)) message = t("scenario.invalid_integer");
    else if (lo !== null && hi !== null && (v < lo || v > hi)) message = t("scenario.invalid_range", { lo: fmt(lo), hi: fmt(hi) });
    else if (lo !== null && v < lo) message = t("scenario.invalid_min", { lo: fmt(lo) });
  }
  if (c.dataset.goal && c.value === "") message = ""; // a goal without weight keeps the scenario's
  if (message) c.setAttribute("aria-invalid", "true"); else c.removeAttribute("aria-invalid");
  if (box) box.textContent = message;
  return message;
}

// All enabled fields; on a problem the results are marked stale and nothing is computed.
function validate() {
  let bad = 0;
  for (const fs of form.querySelectorAll("fieldset[data-lever]")) {
    const on = fs.querySelector("[data-enabled]").checked;
    for (const c of fs.querySelectorAll("input[data-key]")) {
      if (on) bad += checkField(c) ? 1 : 0;
      else { c.removeAttribute("aria-invalid"); const b = document.getElementById(`${c.id}-error`); if (b) b.textContent = ""; }
    }
  }
  for (const w of form.querySelectorAll("[data-goal]")) bad += checkField(w) ? 1 : 0;
  return bad;
}

// A value the server refused (its checks are the model's): shown at the field, in the
// page's language, the results marked stale. Returns whether a field was found.
function fieldError(error) {
  const m = /^levers\.(\w+)\.(\w+)$/.exec(error?.details?.parameter || "");
  const c = m && document.getElementById(`lv-${m[1]}-${m[2]}`);
  if (!c) return false;
  const range = /between (\S+) and (\S+)/.exec(error.message || "");
  const scale = c.dataset.kind === "share" ? 100 : 1;
  const message = range ? t("scenario.invalid_range", { lo: fmt(+range[1] * scale), hi: fmt(+range[2] * scale) }) : t("scenario.server_rejected");
  c.setAttribute("aria-invalid", "true");
  const box = document.getElementById(`${c.id}-error`);
  if (box) box.textContent = message;
  markStale(runs > 0);
  const status = $("scenario-status");
  status.classList.add("error");
  status.textContent = t("scenario.invalid_fields", { n: 1 });
  return true;
}

function markStale(stale) {
  document.querySelector(".scenario-results").classList.toggle("stale", stale);
  $("scenario-stale").hidden = !stale;
  document.body.dataset.scenarioStale = stale ? "1" : "";
}

function readForm() {
  const def = scenarioDef();
  const levers = {};
  for (const fs of form.querySelectorAll("fieldset[data-lever]")) {
    const lever = fs.dataset.lever;
    if (!fs.querySelector("[data-enabled]").checked) {
      if (def.levers[lever]) levers[lever] = { enabled: false };
      continue;
    }
    const spec = { enabled: true };
    for (const c of fs.querySelectorAll("input[data-key], select[data-key]")) {
      if (c.dataset.kind === "boolean") spec[c.dataset.key] = c.checked;
      else if (c.tagName === "SELECT") spec[c.dataset.key] = c.value;
      else if (c.value !== "") spec[c.dataset.key] = c.dataset.kind === "share" ? Number(c.value) / 100 : Number(c.value);
    }
    levers[lever] = spec;
  }
  const weights = {};
  for (const w of form.querySelectorAll("[data-goal]")) if (w.value !== "") weights[w.dataset.goal] = Number(w.value);
  return { id: choice.value, levers, weights };
}

async function post(path, body) {
  const r = await fetch(ROOT + path, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!r.ok) {
    let message = `${r.status}`;
    try { message = (await r.json()).error.message; } catch { /* not JSON */ }
    throw new Error(message);
  }
  return r;
}

function schedule() {
  clearTimeout(timer);
  timer = setTimeout(run, 300);
}

async function run() {
  if (controller) controller.abort();
  const status = $("scenario-status");
  const bad = validate();
  if (bad) {
    markStale(true);
    status.classList.add("error");
    status.textContent = t("scenario.invalid_fields", { n: bad });
    return;
  }
  controller = new AbortController();
  status.classList.remove("error");
  status.textContent = t("scenario.running");
  try {
    const r = await fetch(ROOT + "api/v1/scenarios/run.json", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(readForm()),
      signal: controller.signal,
    });
    if (!(r.headers.get("content-type") || "").includes("json")) {
      // the static export: no server to compute; show the example computed at export time
      return await runStatic(status);
    }
    const body = await r.json();
    if (!r.ok && fieldError(body.error)) return;
    if (!r.ok) throw new Error(t("scenario.server_rejected"));
    render(body);
    markStale(false);
    status.textContent = t("scenario.done", { s: fmt(body.seconds) });
  } catch (err) {
    if (err.name === "AbortError") return;
    status.classList.add("error");
    status.textContent = t("scenario.error", { message: err.message });
    markStale(runs > 0);
    document.body.dataset.scenarioError = err.message;
  }
}

// The static site: the chosen example's result, computed when the site was exported; the
// levers cannot change it, and the page says so.
async function runStatic(status) {
  const r = await fetch(`${ROOT}api/v1/scenarios/examples/${choice.value}.json`);
  if (!r.ok) throw new Error(t("scenario.static_missing"));
  const body = await r.json();
  render(body);
  markStale(false);
  for (const c of form.querySelectorAll("fieldset[data-lever] input, fieldset[data-lever] select, [data-goal]")) c.disabled = true;
  for (const b of document.querySelectorAll("#download-csv, #download-xlsx, #compare-form button")) b.disabled = true;
  $("static-note").hidden = false;
  document.body.dataset.scenarioStatic = "1";
  status.textContent = t("scenario.static_done");
}

function row(cells, header = true) {
  const tr = el("tr");
  cells.forEach((c, i) => tr.append(i === 0 && header ? el("th", { scope: "row", text: c }) : el("td", { class: "num", text: c })));
  return tr;
}

function fill(tbody, rows) {
  tbody.replaceChildren(...rows);
}

function render(res) {
  const BASIS = { official: "scenario.basis_official", "modelled estimate": "scenario.basis_estimate", synthetic: "scenario.basis_synthetic" };
  const basis = BASIS[res.estimate_basis] ? t(BASIS[res.estimate_basis]) : res.estimate_basis;
  $("estimate-basis").textContent = t("scenario.basis", { basis, period: res.period ?? "–" });
  const ex = res.excluded_flows;
  $("totals-excluded").textContent = ex && ex.flows ? t("scenario.scope_excluded", { n: fmt(ex.flows), p: fmt(ex.persons_with_number) }) : "";
  fill($("totals-table").tBodies[0], INDICATORS.map((k) => {
    const b = res.baseline[k], s = res.result[k], c = res.change[k];
    return row([t(`scenario.ind_${k}`), fmt(b), fmt(s), fmt(c), b ? fmt((100 * c) / b) : "–"]);
  }));
  fill($("levers-table").tBodies[0], res.levers.map((lv) => row([
    leverLabel(lv.lever), fmt(lv.change.commuter_km_year), fmt(lv.change.co2_t_year), fmt(lv.change.hours_year), fmt(lv.programme_cost_eur_year),
  ])));
  $("score-value").value = fmt(res.score.score);
  fill($("score-table").tBodies[0], res.score.components.map((c) => row([
    t(`scenario.goal_${c.goal}`), fmt(c.component_pct), fmt(c.weight), fmt(c.weighted),
  ])));
  renderMunicipal(res.by_municipality);
  runs += 1;
  document.body.dataset.scenarioRuns = String(runs);
  document.body.dataset.scenarioKmYear = String(res.result.commuter_km_year);
}

function classOf(v, m) {
  if (v === null || v === undefined) return -1;
  if (m === 0) return 3;
  const edges = [-5, -3, -1, 1, 3, 5].map((e) => (e * m) / 7);
  let k = 0;
  while (k < edges.length && v >= edges[k]) k += 1;
  return k;
}

function renderMunicipal(rows) {
  const inMap = mapData ? new Set(mapData.features.map((f) => f.properties.ags)) : null;
  const shown = rows.filter((r) => !inMap || inMap.has(r.ags));
  const byAgs = new Map(shown.map((r) => [r.ags, r.commuter_km_day_change]));
  const m = Math.max(0, ...shown.map((r) => Math.abs(r.commuter_km_day_change ?? 0)));
  const sorted = [...shown].sort((a, b) => (a.commuter_km_day_change ?? 0) - (b.commuter_km_day_change ?? 0));
  fill($("municipal-table").tBodies[0], sorted.map((r) => row([
    r.name || r.ags, fmt(r.commuter_km_day_baseline), fmt(r.commuter_km_day_scenario), fmt(r.commuter_km_day_change),
  ])));
  const legend = $("scenario-legend");
  const edges = [-5, -3, -1, 1, 3, 5].map((e) => (e * m) / 7);
  const items = PALETTE.map((col, k) => {
    const lo = k === 0 ? null : edges[k - 1], hi = k === 6 ? null : edges[k];
    const text = lo === null ? `< ${fmt(hi)} (${t("scenario.legend_decrease")})`
      : hi === null ? `≥ ${fmt(lo)} (${t("scenario.legend_increase")})` : t("js.class_range", { lo: fmt(lo), hi: fmt(hi) });
    return el("li", { class: "legend-row" }, el("span", { class: "swatch", style: `background:${col}`, "aria-hidden": "true" }), el("span", { text }));
  });
  items.push(el("li", { class: "legend-row" }, el("span", { class: "swatch hatch", "aria-hidden": "true" }), el("span", { text: t("scenario.legend_none") })));
  // dissolved municipalities the boundaries still show (web.ended): their own pattern and reason
  const ended = (mapData?.features || []).filter((f) => f.properties.ended && !byAgs.has(f.properties.ags)).map((f) => f.properties);
  if (ended.length) {
    items.push(el("li", { class: "legend-row" }, el("span", { class: "swatch", style: ENDED_SWATCH, "aria-hidden": "true" }),
      el("span", { text: `${t("js.ended_legend")}: ${ended.map(endedText).join(" · ")}` })));
  }
  legend.replaceChildren(...items);
  if (!map || !mapData) return;
  const data = {
    type: "FeatureCollection",
    features: mapData.features.map((f) => {
      const v = byAgs.get(f.properties.ags);
      const c = v == null && f.properties.ended ? -2 : classOf(v ?? null, m);
      return { ...f, properties: { ...f.properties, c } };
    }),
  };
  const apply = () => map.getSource("diff").setData(data);
  if (map.getSource("diff")) apply();
  else map.once("load", apply);
}

async function initMap() {
  mapData = await getJSON("api/v1/geometry/gemeinde.geojson");
  map = new maplibregl.Map(mapOptions("map", config.bbox));
  window.atlasMap = map;
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), "top-right");
  map.on("load", () => {
    map.addImage("hatch", hatchImage());
    map.addSource("diff", { type: "geojson", data: { type: "FeatureCollection", features: [] } });
    const colour = ["match", ["get", "c"]];
    PALETTE.forEach((col, k) => colour.push(k, col));
    colour.push("#f7f7f7");
    map.addImage("ended", endedImage());
    map.addLayer({ id: "nodata", type: "fill", source: "diff", filter: ["==", ["get", "c"], -1], paint: { "fill-pattern": "hatch" } });
    map.addLayer({ id: "ended", type: "fill", source: "diff", filter: ["==", ["get", "c"], -2], paint: { "fill-pattern": "ended" } });
    map.addLayer({ id: "fill", type: "fill", source: "diff", filter: [">=", ["get", "c"], 0], paint: { "fill-color": colour, "fill-opacity": 0.9 } });
    map.addLayer({ id: "line", type: "line", source: "diff", paint: { "line-color": "#555", "line-width": 0.5 } });
    getJSON("api/v1/labels/gemeinde.json").then((l) => placeLabels(maplibregl, map, l.labels, 14)).catch(() => {});
    map.once("idle", () => { document.body.dataset.mapReady = "scenarios"; });
  });
}

async function compare(ev) {
  ev.preventDefault();
  const status = $("compare-status");
  const pick = (v) => (v === "" ? readForm() : { id: v });
  const names = (sel) => sel.options[sel.selectedIndex].text;
  status.classList.remove("error");
  status.textContent = t("scenario.running");
  try {
    const res = await (await post("api/v1/scenarios/compare.json", { a: pick($("compare-a").value), b: pick($("compare-b").value) })).json();
    $("compare-head-a").textContent = `A: ${names($("compare-a"))}`;
    $("compare-head-b").textContent = `B: ${names($("compare-b"))}`;
    const table = $("compare-table");
    fill(table.tBodies[0], res.totals.map((r) => {
      const a = Object.keys(r).find((k) => k.startsWith("A: "));
      const b = Object.keys(r).find((k) => k.startsWith("B: "));
      return row([t(`scenario.ind_${r.indicator}`), fmt(r.baseline), fmt(r[a]), fmt(r[b]), fmt(r.difference_b_minus_a)]);
    }));
    $("compare-table-box").hidden = false;
    status.textContent = "";
  } catch (err) {
    status.classList.add("error");
    status.textContent = t("scenario.error", { message: err.message });
  }
}

async function download(ev) {
  const fmtName = ev.currentTarget.dataset.fmt;
  const status = $("scenario-status");
  try {
    const blob = await (await post(`api/v1/scenarios/export.${fmtName}`, readForm())).blob();
    const a = el("a", { href: URL.createObjectURL(blob), download: `${choice.value || "scenario"}.${fmtName}` });
    document.body.append(a);
    a.click();
    a.remove();
  } catch (err) {
    status.classList.add("error");
    status.textContent = t("scenario.error", { message: err.message });
  }
}

if (form) {
  choice.addEventListener("change", () => { fillForm(); schedule(); });
  form.addEventListener("input", (ev) => { if (ev.target !== choice) schedule(); });
  form.addEventListener("change", (ev) => { if (ev.target !== choice && ev.target.type === "checkbox") schedule(); });
  form.addEventListener("submit", (ev) => { ev.preventDefault(); run(); });
  $("compare-form").addEventListener("submit", compare);
  for (const b of document.querySelectorAll("[data-fmt]")) b.addEventListener("click", download);
  const preferred = Object.keys(config.scenarios).find((k) => k.startsWith("remote"));
  if (preferred) choice.value = preferred;
  fillForm();
  initMap().catch(() => {}).finally(run);
}
