// Thematic maps: one indicator, level and period; classified, with legend, details, table.
import * as maplibregl from "../vendor/maplibre-gl/maplibre-gl.mjs";
import { ENDED_SWATCH, ROOT, config, el, endedImage, endedText, fmt, fmtDigits, getJSON, hatchImage, lang, mapOptions, parseBreaks, placeLabels, readHash, t, writeHash } from "./common.js";

const $ = (id) => document.getElementById(id);
const indicators = Object.fromEntries(config.indicators.map((i) => [i.id, i]));

const h = readHash();
const state = {
  i: indicators[h.i] ? h.i : config.default,
  l: h.l || document.querySelector("input[name=level]:checked")?.value || "gemeinde",
  p: h.p || null,
  m: config.methods.includes(h.m) ? h.m : "quantiles",
  k: +h.k >= 3 && +h.k <= 7 ? +h.k : 5,
  s: config.palettes.includes(h.s) ? h.s : "viridis",
  b: h.b || "",
  sel: h.sel || "",
};
let values = null; // the current /values payload
let geo = {}; // level -> geojson
let map;
let labelMarkers = [];
const LABEL_COUNT = { gemeinde: 14, kreis: 12 };
// place names, largest first, for the level shown (HTML markers: no glyph server)
async function showLabels() {
  try {
    const l = await getJSON(`api/v1/labels/${state.l}.json`);
    labelMarkers = placeLabels(maplibregl, map, l.labels, LABEL_COUNT[state.l] ?? 12, labelMarkers);
  } catch { /* names are an aid; the table lists every place */ }
}

function syncControls() {
  $("indicator").value = state.i;
  for (const r of document.querySelectorAll("input[name=level]")) {
    r.checked = r.value === state.l;
    r.disabled = !indicators[state.i].levels.includes(r.value);
  }
  $("method").value = state.m;
  $("k").value = String(state.k);
  $("scheme").value = state.s;
  $("breaks").value = state.b;
  $("breaks-field").hidden = state.m !== "manual";
  const diverging = values?.scale?.centre !== null && values?.scale?.centre !== undefined;
  $("scheme").disabled = diverging; // a balance keeps its diverging scale
  const periods = indicators[state.i].periods;
  $("period").max = String(periods.length - 1);
  $("period").value = String(Math.max(0, periods.indexOf(state.p)));
  $("period-field").hidden = periods.length < 2;
  $("period-out").textContent = state.p;
}

// The class bounds of the current view. Manual breaks are read in the page's number format;
// input that is not a list of ascending numbers is refused visibly (the map keeps its classes).
let lastEdges = null;
function breaksFor(v) {
  const vals = v.rows.map((r) => r.value).filter((x) => x !== null);
  const field = $("breaks");
  const error = $("breaks-error");
  field.removeAttribute("aria-invalid");
  error.textContent = "";
  if (state.m === "manual") {
    const parsed = parseBreaks(state.b, lang);
    if (parsed.error) {
      field.setAttribute("aria-invalid", "true");
      error.textContent = t(`js.breaks_${parsed.error}`, { token: parsed.token ?? "" });
      return lastEdges ?? v.breaks.quantiles[String(state.k)];
    }
    const inner = parsed.values;
    if (!vals.length) return (lastEdges = v.breaks.quantiles[String(state.k)]);
    return (lastEdges = [Math.min(...vals, inner[0]), ...inner, Math.max(...vals, inner[inner.length - 1])]);
  }
  return (lastEdges = v.breaks[state.m][String(state.k)]);
}

function classOf(x, edges) {
  if (x === null || !edges.length) return -1;
  for (let i = 1; i < edges.length - 1; i++) if (x <= edges[i]) return i - 1;
  return edges.length - 2;
}

// Sequential colours, or (values on both sides of 0) a diverging ramp centred on 0 whose
// direction follows the catalogue's polarity; classes below and above 0 may differ in number.
function colours(n, edges) {
  const centre = values?.scale?.centre;
  if (centre === null || centre === undefined || !edges) return config.paletteColours[state.s][String(Math.max(1, n))];
  const below = edges.slice(1, -1).filter((e) => e <= centre).length;
  const above = n - below;
  const m = Math.max(below, above, 1);
  const ramp = config.divergingRamps[String(values.scale.polarity ?? 0)][String(m)];
  return ramp.slice(m - below, m + above);
}

function normalise() {
  const ind = indicators[state.i];
  if (!ind.levels.includes(state.l)) state.l = ind.levels[0];
  if (!ind.periods.includes(state.p)) state.p = ind.periods[ind.periods.length - 1];
}

async function load() {
  normalise();
  syncControls();
  writeHash(state);
  const [g, v] = await Promise.all([
    geo[state.l] || getJSON(`api/v1/geometry/${state.l}.geojson`),
    getJSON(`api/v1/values/${state.i}/${state.l}/${state.p}.json`),
  ]);
  geo[state.l] = g;
  values = v;
  render();
}

// The map's data for the current state: features with value, flag and class, the fill colour
// expression and the legend's figures.
function prepare() {
  const edges = breaksFor(values);
  const nClasses = Math.max(edges.length - 1, 1);
  const cols = colours(nClasses, edges);
  const byAgs = new Map(values.rows.map((r) => [r.ags, r]));
  const counts = new Array(nClasses).fill(0);
  let missing = 0;
  const ended = []; // dissolved units without a value: their own class -2 (web.ended)
  const data = {
    type: "FeatureCollection",
    features: geo[state.l].features.map((f) => {
      const r = byAgs.get(f.properties.ags) || { value: null, flag: null };
      let c = classOf(r.value, edges);
      if (c < 0 && f.properties.ended) { c = -2; ended.push(f.properties); }
      else if (c < 0) missing++;
      else counts[c]++;
      return { ...f, properties: { ...f.properties, v: r.value, f: r.flag, c } };
    }),
  };
  const fill = ["match", ["get", "c"]];
  cols.forEach((c, i) => fill.push(i, c));
  fill.push("#cccccc");
  return { edges, cols, counts, missing, ended, data, fill };
}

function render(p) {
  if (!map) return; // the first view is still loading; init draws the current state
  p ??= prepare();
  const source = map.getSource("units");
  if (source) {
    source.setData(p.data);
    map.setPaintProperty("units-fill", "fill-color", p.fill);
    map.setLayoutProperty("kreis-line", "visibility", state.l === "gemeinde" ? "visible" : "none");
    highlight();
    showLabels();
  }
  legend(p.edges, p.cols, p.counts, p.missing, p.ended);
  comparison();
  downloads();
  const ind = indicators[state.i];
  $("indicator-definition").textContent = `${ind.definition} (${ind.unit}; ${ind.source})`;
  performance.mark("atlas:data-set");
  const painted = () => {
    if (!map.isSourceLoaded("units")) return;
    map.off("render", painted);
    if (!performance.getEntriesByName("atlas:first-paint").length) performance.mark("atlas:first-paint");
  };
  map.on("render", painted);
  map.once("idle", () => {
    performance.mark("atlas:idle");
    table(); // after the map: a big table must not delay the first frame
    document.body.dataset.mapReady = `${state.i}/${state.l}/${state.p}`;
  });
}

// Tile simplification (geojson-vt units of a 4096 tile extent; 0.375 by default): 3 is 0.4
// screen pixels on a 512 px tile, invisible, and much fewer vertices for the coarse zooms.
const TOLERANCE = 1;

// The whole first view as one style: the map starts with its sources and layers, so the
// worker gets every source at once (the choropleth first) and no empty frames are drawn.
function firstStyle(p, kreise, laender, outline) {
  // district, state and region borders in one source: one index and one tile set to cut
  const tagged = (fc, k) => fc.features.map((f) => ({ ...f, id: undefined, properties: { k } }));
  const borders = {
    type: "FeatureCollection",
    features: [...tagged(kreise, "kreis"), ...tagged(laender, "land"), ...tagged(outline, "region")],
  };
  const line = (id, k, paint, layout = {}) => ({ id, type: "line", source: "borders", filter: ["==", ["get", "k"], k], layout, paint });
  return {
    version: 8,
    sources: {
      units: { type: "geojson", data: p.data, maxzoom: 9, buffer: 16, tolerance: TOLERANCE },
      borders: { type: "geojson", data: borders, maxzoom: 9, buffer: 16, tolerance: TOLERANCE },
    },
    layers: [
      { id: "units-fill", type: "fill", source: "units", filter: [">=", ["get", "c"], 0], paint: { "fill-color": p.fill, "fill-antialias": false } },
      { id: "units-hatch", type: "fill", source: "units", filter: ["==", ["get", "c"], -1], paint: { "fill-pattern": "hatch", "fill-antialias": false } },
      { id: "units-ended", type: "fill", source: "units", filter: ["==", ["get", "c"], -2], paint: { "fill-pattern": "ended", "fill-antialias": false } },
      { id: "units-line", type: "line", source: "units", paint: { "line-color": "#ffffff", "line-width": 0.5 } },
      line("kreis-line", "kreis", { "line-color": "#404040", "line-width": 1.2 }, { visibility: state.l === "gemeinde" ? "visible" : "none" }),
      line("land-line", "land", { "line-color": "#111111", "line-width": 2.6 }),
      line("outline", "region", { "line-color": "#d55e00", "line-width": 2.2, "line-dasharray": [2, 1] }),
      { id: "sel-line", type: "line", source: "units", filter: ["==", ["get", "ags"], state.sel || ""], paint: { "line-color": "#e69f00", "line-width": 3.5 } },
    ],
  };
}

function legend(edges, cols, counts, missing, ended) {
  const box = $("legend");
  box.replaceChildren();
  const ind = indicators[state.i];
  box.append(el("p", { class: "meta", text: `${ind.name} (${ind.unit}), ${t("level." + state.l)}, ${state.p}` }));
  if (values.scale?.centre !== null && values.scale?.centre !== undefined) box.append(el("p", { class: "hint", id: "legend-diverging", text: t("js.diverging_note") }));
  counts.forEach((n, i) => {
    const d = values.scale?.digits ?? 1;
    const label = t("js.class_range", { lo: fmtDigits(edges[i], d), hi: fmtDigits(edges[i + 1], d) });
    box.append(el("div", { class: "legend-row" },
      el("span", { class: "swatch", style: `background:${cols[i]}`, "aria-hidden": "true" }),
      el("span", { text: label }), el("span", { class: "count", text: `${n}` })));
  });
  box.append(el("div", { class: "legend-row" },
    el("span", { class: "swatch hatch", "aria-hidden": "true" }),
    el("span", { text: t("js.hatched") }), el("span", { class: "count", text: `${missing}` })));
  if (!ended.length) return;
  box.append(el("div", { class: "legend-row", id: "legend-ended" },
    el("span", { class: "swatch", style: ENDED_SWATCH, "aria-hidden": "true" }),
    el("span", { text: t("js.ended_legend") }), el("span", { class: "count", text: `${ended.length}` })));
  const notes = el("ul", { class: "note ended-notes" });
  for (const p of ended) notes.append(el("li", { text: endedText(p) }));
  box.append(notes);
}

function comparison() {
  const box = $("comparison");
  box.replaceChildren();
  if (!values.references.length) { box.append(el("p", { class: "meta", text: "–" })); return; }
  const ul = el("ul");
  for (const r of values.references) {
    const name = r.ags === "DE" ? t("js.germany") : r.name;
    ul.append(el("li", { text: `${name}: ${r.value === null ? (r.flag || "–") : fmt(r.value)}` }));
  }
  box.append(ul);
}

function table() {
  const ind = indicators[state.i];
  $("table-caption").textContent = `${ind.name} (${ind.unit}), ${t("level." + state.l)}, ${state.p}`;
  const body = document.querySelector("#values-table tbody");
  const frag = document.createDocumentFragment();
  const ended = endedUnits();
  for (const r of values.rows) {
    const a = el("a", { href: `${ROOT}${lang}/profile/${r.ags}/`, text: r.name });
    const flag = r.flag || (r.value === null && ended.has(r.ags) ? t("js.ended_legend") : "");
    const tr = el("tr", { "data-ags": r.ags }, el("th", { scope: "row" }, a), el("td", { text: r.ags }),
      el("td", { class: "num", text: fmt(r.value) }), el("td", { text: flag }));
    if (r.ags === state.sel) tr.className = "selected";
    frag.append(tr);
  }
  body.replaceChildren(frag);
}

// ags -> properties of the current level's ended units (web.ended)
function endedUnits() {
  return new Map(geo[state.l].features.filter((f) => f.properties.ended).map((f) => [f.properties.ags, f.properties]));
}

function downloads() {
  for (const a of document.querySelectorAll("#downloads a")) {
    a.href = `${ROOT}api/v1/downloads/indicator/${state.i}/${state.l}/${state.p}.${a.dataset.fmt}`;
  }
}

function details(ags) {
  const box = $("details");
  box.replaceChildren();
  const r = values.rows.find((x) => x.ags === ags);
  if (!r) return;
  const ind = indicators[state.i];
  box.append(el("p", {}, el("strong", { text: r.name }), ` (${r.ags})`));
  box.append(el("p", { text: `${ind.name}: ${r.value === null ? `${t("js.no_value")} (${r.flag || "–"})` : fmt(r.value) + " " + ind.unit}` }));
  const gone = r.value === null && endedUnits().get(ags);
  if (gone) box.append(el("p", { class: "note", text: endedText(gone) }));
  box.append(el("p", {}, el("a", { href: `${ROOT}${lang}/profile/${r.ags}/`, text: t("map.profile") })));
}

function highlight() {
  map.setFilter("sel-line", ["==", ["get", "ags"], state.sel || ""]);
}

function select(ags) {
  state.sel = ags;
  writeHash(state);
  highlight();
  details(ags);
  for (const tr of document.querySelectorAll("#values-table tbody tr")) tr.classList.toggle("selected", tr.dataset.ags === ags);
}

async function init() {
  performance.mark("atlas:start");
  maplibregl.prewarm(); // the map's worker starts (loads and compiles) while the data arrive
  normalise();
  syncControls();
  writeHash(state);
  // the page preloads these (map.html), so they are here by the time the map library is
  const empty = { type: "FeatureCollection", features: [] };
  const [kreise, g, v, laender, outline] = await Promise.all([
    getJSON("api/v1/geometry/kreis.geojson"),
    getJSON(`api/v1/geometry/${state.l}.geojson`),
    getJSON(`api/v1/values/${state.i}/${state.l}/${state.p}.json`),
    getJSON("api/v1/geometry/land.geojson").catch(() => empty),
    getJSON("api/v1/outline.geojson").catch(() => empty),
  ]);
  geo[state.l] = g;
  values = v;
  const p = prepare();
  map = new maplibregl.Map({ ...mapOptions("map", config.bbox), style: firstStyle(p, kreise, laender, outline) });
  window.atlasMap = map;
  map.getContainer().style.background = "#eef2f3";
  const images = { hatch: hatchImage, ended: endedImage };
  // the patterns are made here, when a tile first needs them (no sprite to download)
  map.setMissingStyleImageResolver((id) => {
    if (images[id] && !map.hasImage(id)) map.addImage(id, images[id](), { pixelRatio: 1 });
  });
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), "top-right");
  render(p);
  map.on("load", () => {
    performance.mark("atlas:map-load");
    showLabels();
    const tip = el("div", { class: "tooltip", hidden: "" });
    document.querySelector(".map-wrap").append(tip);
    map.on("mousemove", "units-fill", hover(tip));
    map.on("mousemove", "units-hatch", hover(tip));
    map.on("mousemove", "units-ended", hover(tip));
    for (const id of ["units-fill", "units-hatch", "units-ended"]) {
      map.on("mouseleave", id, () => { tip.hidden = true; map.getCanvas().style.cursor = ""; });
      map.on("click", id, (e) => select(e.features[0].properties.ags));
    }
    if (state.sel) select(state.sel);
  });
  // controls changed while the first view loaded
  if (`${v.indicator}/${v.level}/${v.period}` !== `${state.i}/${state.l}/${state.p}`) load();
}

function hover(tip) {
  return (e) => {
    const p = e.features[0].properties;
    map.getCanvas().style.cursor = "pointer";
    const v = p.v === null || p.v === undefined || p.v === "null" ? `${t("js.no_value")} (${p.f || "–"})` : fmt(+p.v);
    tip.textContent = p.c === -2 ? endedText(p) : `${p.name}: ${v}`;
    tip.style.left = `${e.point.x + 12}px`;
    tip.style.top = `${e.point.y + 12}px`;
    tip.hidden = false;
  };
}

if ($("map")) {
  $("indicator").addEventListener("change", (e) => { state.i = e.target.value; state.p = null; load(); });
  for (const r of document.querySelectorAll("input[name=level]")) r.addEventListener("change", (e) => { state.l = e.target.value; load(); });
  $("period").addEventListener("input", (e) => { state.p = indicators[state.i].periods[+e.target.value]; load(); });
  $("method").addEventListener("change", (e) => { state.m = e.target.value; syncControls(); writeHash(state); render(); });
  $("k").addEventListener("change", (e) => { state.k = +e.target.value; writeHash(state); render(); });
  $("scheme").addEventListener("change", (e) => { state.s = e.target.value; writeHash(state); render(); });
  $("breaks").addEventListener("change", (e) => { state.b = e.target.value; writeHash(state); render(); });
  $("breaks").addEventListener("keydown", (e) => { if (e.key === "Enter") { state.b = e.target.value; writeHash(state); render(); } });
  init();
}
