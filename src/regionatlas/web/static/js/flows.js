// Flow map: curved lines (width by persons, arrow for direction), filters, zoom-dependent
// aggregation (Land -> Kreis -> Gemeinde), a "spider" of one unit's in- and out-flows.
import * as maplibregl from "../vendor/maplibre-gl/maplibre-gl.mjs";
import { arrowImage, config, el, fmt, getJSON, mapOptions, readHash, t, writeHash } from "./common.js";

const $ = (id) => document.getElementById(id);
const h = readHash();
const state = {
  min: h.min !== undefined ? +h.min : 250,
  cross: ["any", "kreis", "land"].includes(h.cross) ? h.cross : "any",
  o: h.o || "", d: h.d || "", sel: h.sel || "",
  lvl: config.levels.includes(h.lvl) ? h.lvl : "auto", // a level this atlas cannot show: auto
  top: ["3", "5", "10", "all"].includes(h.top) ? h.top : "5", // strongest out-flows per place
  per: config.periods.includes(h.per) ? h.per : config.periods[config.periods.length - 1],
};
let map, lines = null, level = null, names = {}, compact = null, markers = [], hovered = "";
const WITHIN = "#0072b2", ACROSS = "#d55e00";
const LABELS = { land: 16, kreis: 14, gemeinde: 18 }; // place names shown, largest first

// small flows faded: opacity grows with the flow's share of the largest one drawn
const OPACITY = ["interpolate", ["linear"], ["sqrt", ["get", "p"]], 0, 0.18, 15, 0.35, 40, 0.6, 100, 0.8];

// A quadratic curve bending to the right of the direction of travel (A->B and B->A apart).
function arc(a, b, bend = 0.18, n = 12) {
  const k = Math.cos(((a[1] + b[1]) / 2) * Math.PI / 180);
  const dx = (b[0] - a[0]) * k, dy = b[1] - a[1];
  const cx = (a[0] + b[0]) / 2 + bend * dy / k, cy = (a[1] + b[1]) / 2 - bend * dx;
  const pts = [];
  for (let i = 0; i <= n; i++) {
    const t = i / n, u = 1 - t;
    pts.push([u * u * a[0] + 2 * u * t * cx + t * t * b[0], u * u * a[1] + 2 * u * t * cy + t * t * b[1]]);
  }
  return pts;
}

function toLines(c) {
  compact = c;
  Object.assign(names, c.names);
  // rank of every flow among its origin's out-flows (1 = largest): the "top N per place" filter
  const byOrigin = new Map();
  c.flows.forEach(([o, , p], i) => { if (!byOrigin.has(o)) byOrigin.set(o, []); byOrigin.get(o).push([p, i]); });
  const rank = new Array(c.flows.length);
  for (const list of byOrigin.values()) list.sort((a, b) => b[0] - a[0]).forEach(([, i], r) => { rank[i] = r + 1; });
  const features = c.flows.map(([o, d, p, f], i) => ({
    type: "Feature",
    geometry: { type: "LineString", coordinates: arc(c.points[o], c.points[d]) },
    properties: { o, d, on: c.names[o], dn: c.names[d], p, f, rk: rank[i], ck: o.slice(0, 5) !== d.slice(0, 5), cl: o.slice(0, 2) !== d.slice(0, 2) },
  }));
  return { type: "FeatureCollection", features, suppressed: c.suppressed };
}

function bboxOf(fc) {
  const xs = [], ys = [];
  const walk = (c) => (typeof c[0] === "number" ? (xs.push(c[0]), ys.push(c[1])) : c.forEach(walk));
  for (const f of fc?.features || []) walk(f.geometry.coordinates);
  return xs.length ? [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)] : null;
}

function autoLevel(z) {
  const lv = config.levels;
  if (z >= 9.5 && lv.includes("gemeinde")) return "gemeinde";
  if (z >= 6.3 && lv.includes("kreis")) return "kreis";
  return lv.includes("land") ? "land" : lv[0];
}

function keyExpr(prop, key) {
  const n = { land: 2, kreis: 5, gemeinde: 8 }[level];
  const m = Math.min(n, key.length);
  return ["==", ["slice", ["get", prop], 0, m], key.slice(0, m)];
}

function filterExpr(withMin = true) {
  const f = ["all"];
  if (withMin && state.min > 0) f.push([">=", ["get", "p"], state.min]);
  if (state.top !== "all") f.push(["<=", ["get", "rk"], +state.top]);
  if (state.o) f.push(keyExpr("o", state.o));
  if (state.d) f.push(keyExpr("d", state.d));
  if (state.cross === "kreis") f.push(["get", "ck"]);
  if (state.cross === "land") f.push(["get", "cl"]);
  if (state.sel) f.push(["any", keyExpr("o", state.sel), keyExpr("d", state.sel)]);
  return f;
}

function matches(p) {
  const n = { land: 2, kreis: 5, gemeinde: 8 }[level];
  const eq = (a, key) => { const m = Math.min(n, key.length); return a.slice(0, m) === key.slice(0, m); };
  return (state.min <= 0 || p.p >= state.min) && (state.top === "all" || p.rk <= +state.top) && (!state.o || eq(p.o, state.o)) && (!state.d || eq(p.d, state.d))
    && (state.cross !== "kreis" || p.ck) && (state.cross !== "land" || p.cl)
    && (!state.sel || eq(p.o, state.sel) || eq(p.d, state.sel));
}

async function setLevel(lv) {
  if (lv === level && lines) return apply();
  level = lv;
  const status = $("flow-status");
  try {
    lines = toLines(await getJSON(`api/v1/flows/${lv}/${state.per}/compact.json`));
  } catch (err) {
    status.textContent = t("flows.load_error", { level: t("level." + lv) }); // never a silent empty map
    throw err;
  }
  map.getSource("flows").setData(lines);
  places();
  apply();
}

// Location circles sized by the flows in and out of a place, and its name as an HTML button
// (no glyph server needed) for the largest places: focus or hover highlights its flows.
function places() {
  const vol = new Map();
  for (const f of lines.features) {
    const { o, d, p } = f.properties;
    vol.set(o, (vol.get(o) || 0) + p);
    vol.set(d, (vol.get(d) || 0) + p);
  }
  const max = Math.max(1, ...vol.values());
  const features = [...vol].map(([k, v]) => ({
    type: "Feature", geometry: { type: "Point", coordinates: compact.points[k] },
    properties: { k, name: compact.names[k], v, r: 1.5 + 16 * Math.sqrt(v / max) },
  }));
  map.getSource("places").setData({ type: "FeatureCollection", features });
  for (const m of markers) m.remove();
  const top = [...vol].sort((a, b) => b[1] - a[1]).slice(0, LABELS[level] || 12);
  markers = top.map(([k, v]) => {
    const b = el("button", { type: "button", class: "place-label", "data-ags": k, text: compact.names[k],
      "aria-label": t("flows.place_label", { name: compact.names[k], n: fmt(v) }) });
    b.addEventListener("mouseenter", () => highlight(k));
    b.addEventListener("mouseleave", () => highlight(""));
    b.addEventListener("focus", () => highlight(k));
    b.addEventListener("blur", () => highlight(""));
    b.addEventListener("click", () => { state.sel = k; apply(); });
    return new maplibregl.Marker({ element: b, anchor: "top", offset: [0, 4] }).setLngLat(compact.points[k]).addTo(map);
  });
}

// One place's flows drawn strong, all others faded.
function highlight(k) {
  hovered = k;
  const on = k ? ["any", ["==", ["get", "o"], k], ["==", ["get", "d"], k]] : ["==", ["get", "o"], "\u0000"];
  map.setFilter("flows-hl", ["all", filterExpr(), on]);
  map.setPaintProperty("flows", "line-opacity", k ? 0.12 : OPACITY);
  map.setPaintProperty("arrows", "icon-opacity", k ? 0.12 : OPACITY);
  document.body.dataset.flowHighlight = k ? `${k}/${lines.features.filter((f) => matches(f.properties) && (f.properties.o === k || f.properties.d === k)).length}` : "";
}

function apply() {
  writeHash(state);
  $("min-out").textContent = fmt(state.min);
  const f = filterExpr();
  map.setFilter("flows", f);
  map.setFilter("arrows", f);
  highlight(hovered);
  const shown = lines.features.filter((x) => matches(x.properties));
  $("flow-status").textContent = `${t("flows.shown", { n: shown.length })} (${t("level." + level)})`;
  $("flow-suppressed").textContent = lines.suppressed ? t("flows.suppressed", { n: lines.suppressed }) : "";
  legend(shown);
  $("flow-basis").textContent = compact.basis && compact.basis !== "official" ? t("flows.modelled_basis", { n: compact.top_per_place ?? "–" }) : "";
  table(shown);
  spider();
  for (const a of document.querySelectorAll("#flow-downloads a")) {
    a.href = new URL(`../../api/v1/downloads/flows/${level}/${state.per}.${a.dataset.fmt}`, import.meta.url).href;
  }
  map.setFilter("sel-line", ["==", ["get", "ags"], state.sel ? state.sel.slice(0, 5) : ""]);
  map.once("idle", () => {
    if (!performance.getEntriesByName("atlas:idle").length) performance.mark("atlas:idle");
    document.body.dataset.mapReady = `${level}/${shown.length}`;
  });
}

// The legend lists only what is drawn: within / across state borders as present.
function legend(shown) {
  const kinds = [];
  if (shown.some((f) => !f.properties.cl)) kinds.push([WITHIN, t("flows.within_land")]);
  if (shown.some((f) => f.properties.cl)) kinds.push([ACROSS, t("flows.across_land")]);
  $("flow-legend").replaceChildren(...kinds.map(([c, label]) => el("li", { "data-kind": c === WITHIN ? "within" : "across" },
    el("span", { class: "swatch", style: `background:${c}`, "aria-hidden": "true" }), ` ${label}`)));
  if (shown.length) $("flow-legend").append(el("li", { "data-kind": "places" }, el("span", { class: "swatch place-swatch", "aria-hidden": "true" }), ` ${t("flows.places_legend")}`));
}

// a flow's flag in the page language (markers such as "*" stay as published)
function flagText(f) {
  if (!f) return "";
  return { incomplete: t("flows.flag_incomplete"), estimated: t("profile.flag_estimated") }[f] ?? f;
}

function table(shown) {
  const body = document.querySelector("#flow-table tbody");
  const rows = [...shown].sort((a, b) => b.properties.p - a.properties.p).slice(0, 50);
  body.replaceChildren(...rows.map(({ properties: p }) => el("tr", {},
    el("td", {}, unitButton(p.o, p.on)), el("td", {}, unitButton(p.d, p.dn)),
    el("td", { class: "num", text: fmt(p.p) }), el("td", { text: flagText(p.f) }))));
}

function unitButton(ags, name) {
  const b = el("button", { type: "button", class: "linkish", text: `${name} (${ags})` });
  b.addEventListener("click", () => { state.sel = ags; apply(); });
  return b;
}

function spider() {
  const box = $("spider");
  box.replaceChildren();
  if (!state.sel) { box.append(el("p", { class: "hint", text: t("flows.click_hint") })); return; }
  const n = { land: 2, kreis: 5, gemeinde: 8 }[level];
  const key = state.sel.slice(0, n);
  const all = lines.features.map((f) => f.properties);
  const name = names[state.sel] || all.find((p) => p.o === key)?.on || all.find((p) => p.d === key)?.dn || key;
  box.append(el("h2", { text: t("flows.spider", { name }) }));
  for (const [side, title, partner, pname] of [["d", "flows.inflows", "o", "on"], ["o", "flows.outflows", "d", "dn"]]) {
    const rows = all.filter((p) => p[side] === key).sort((a, b) => b.p - a.p).slice(0, 10);
    const tb = el("tbody", {}, ...rows.map((p) => el("tr", {}, el("td", { text: p[pname] }), el("td", { class: "num", text: fmt(p.p) }))));
    box.append(el("table", {}, el("caption", { text: t(title) }),
      el("thead", {}, el("tr", {}, el("th", { scope: "col", text: t("flows.partner") }), el("th", { scope: "col", class: "num", text: t("flows.persons") }))), tb));
  }
  const reset = el("button", { type: "button", text: t("flows.reset") });
  reset.addEventListener("click", () => { state.sel = ""; apply(); });
  box.append(reset);
}

async function init() {
  const outlineP = getJSON("api/v1/outline.geojson").catch(() => null); // in parallel
  const kreise = await getJSON("api/v1/geometry/kreis.geojson");
  for (const f of kreise.features) names[f.properties.ags] = f.properties.name;
  for (const id of ["origin", "destination"]) {
    const s = $(id);
    for (const f of [...kreise.features].sort((a, b) => a.properties.name.localeCompare(b.properties.name))) {
      s.append(el("option", { value: f.properties.ags, text: `${f.properties.name} (${f.properties.ags})` }));
    }
  }
  $("origin").value = state.o; $("destination").value = state.d; $("top").value = state.top;
  $("min").value = String(state.min); $("flow-level").value = state.lvl; $("flow-period").value = state.per;
  for (const r of document.querySelectorAll("input[name=cross]")) r.checked = r.value === state.cross;
  // open on the region's core at district level, not on all of the ring's states
  const outline = await outlineP;
  map = new maplibregl.Map(mapOptions("map", bboxOf(outline) || kreise.bbox));
  window.atlasMap = map;
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), "top-right");
  map.on("load", async () => {
    map.addImage("arrow", arrowImage(), { sdf: true });
    map.addSource("kreise", { type: "geojson", data: kreise });
    map.addSource("laender", { type: "geojson", data: { type: "FeatureCollection", features: [] } });
    map.addSource("flows", { type: "geojson", data: { type: "FeatureCollection", features: [] } });
    map.addLayer({ id: "kreis-fill", type: "fill", source: "kreise", paint: { "fill-color": "#fbfbfb", "fill-opacity": 0.9 } });
    map.addLayer({ id: "kreis-line", type: "line", source: "kreise", paint: { "line-color": "#8a8a8a", "line-width": 0.8 } });
    map.addLayer({ id: "land-line", type: "line", source: "laender", paint: { "line-color": "#222", "line-width": 2.2 } });
    map.addLayer({ id: "sel-line", type: "line", source: "kreise", filter: ["==", ["get", "ags"], ""], paint: { "line-color": "#e69f00", "line-width": 3.5 } });
    const width = ["interpolate", ["linear"], ["sqrt", ["get", "p"]], 0, 0.6, 30, 2.5, 100, 7, 300, 16];
    const colour = ["case", ["get", "cl"], ACROSS, WITHIN];
    map.addSource("places", { type: "geojson", data: { type: "FeatureCollection", features: [] } });
    map.addLayer({ id: "flows", type: "line", source: "flows", layout: { "line-cap": "round" }, paint: { "line-color": colour, "line-width": width, "line-opacity": OPACITY } });
    map.addLayer({ id: "flows-hl", type: "line", source: "flows", filter: ["==", ["get", "o"], "\u0000"], layout: { "line-cap": "round" }, paint: { "line-color": colour, "line-width": width, "line-opacity": 0.95 } });
    map.addLayer({ id: "places", type: "circle", source: "places", paint: { "circle-radius": ["get", "r"], "circle-color": "#ffffff", "circle-opacity": 0.85, "circle-stroke-color": "#333", "circle-stroke-width": ["interpolate", ["linear"], ["get", "r"], 1.5, 0.5, 6, 1.2] } });
    map.on("mousemove", "places", (e) => highlight(e.features[0].properties.k));
    map.on("mouseleave", "places", () => highlight(""));
    map.on("click", "places", (e) => { state.sel = e.features[0].properties.k; apply(); });
    map.addLayer({ id: "arrows", type: "symbol", source: "flows", layout: { "symbol-placement": "line-center", "icon-image": "arrow", "icon-size": ["interpolate", ["linear"], ["sqrt", ["get", "p"]], 0, 0.45, 100, 0.9, 300, 1.4], "icon-allow-overlap": true, "icon-rotation-alignment": "map" }, paint: { "icon-color": colour, "icon-opacity": OPACITY } });
    map.on("click", "kreis-fill", (e) => { state.sel = e.features[0].properties.ags; apply(); });
    map.on("mouseenter", "kreis-fill", () => { map.getCanvas().style.cursor = "pointer"; });
    map.on("mouseleave", "kreis-fill", () => { map.getCanvas().style.cursor = ""; });
    map.on("zoomend", () => { if (state.lvl === "auto") setLevel(autoLevel(map.getZoom())); });
    getJSON("api/v1/geometry/land.geojson").then((l) => map.getSource("laender").setData(l)).catch(() => {});
    await setLevel(state.lvl === "auto" ? autoLevel(map.getZoom()) : state.lvl);
  });
}

if ($("map")) {
  $("min").addEventListener("input", (e) => { state.min = +e.target.value; apply(); });
  for (const r of document.querySelectorAll("input[name=cross]")) r.addEventListener("change", (e) => { state.cross = e.target.value; apply(); });
  $("origin").addEventListener("change", (e) => { state.o = e.target.value; apply(); });
  $("top").addEventListener("change", (e) => { state.top = e.target.value; apply(); });
  $("destination").addEventListener("change", (e) => { state.d = e.target.value; apply(); });
  $("flow-level").addEventListener("change", (e) => { state.lvl = e.target.value; setLevel(state.lvl === "auto" ? autoLevel(map.getZoom()) : state.lvl); });
  $("flow-period").addEventListener("change", (e) => { state.per = e.target.value; lines = null; setLevel(level); });
  init();
}
