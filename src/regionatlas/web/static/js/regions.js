// Functional regions: districts coloured by their Leiden community, and the municipal layers
// (labour-market areas, Leiden communities, catchments, central places) behind a layer switch.
import * as maplibregl from "../vendor/maplibre-gl/maplibre-gl.mjs";
import { ENDED_SWATCH, config, el, endedImage, endedText, fmt, getJSON, lang, mapOptions, placeLabels, readHash, scrollBox, t, writeHash } from "./common.js";

async function init() {
  const [kreise, result, laender] = await Promise.all([
    getJSON("api/v1/geometry/kreis.geojson"),
    getJSON(`api/v1/regions/leiden/kreis/${config.period}.json`),
    getJSON("api/v1/geometry/land.geojson"),
  ]);
  const data = {
    type: "FeatureCollection",
    features: kreise.features.map((f) => ({ ...f, properties: { ...f.properties, c: result.clusters[f.properties.ags] ?? 0 } })),
  };
  const map = new maplibregl.Map(mapOptions("map", config.bbox));
  window.atlasMap = map;
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), "top-right");
  map.on("load", () => {
    const match = ["match", ["get", "c"]];
    for (const [c, col] of Object.entries(config.colours)) match.push(+c, col);
    match.push("#dddddd");
    map.addSource("kreise", { type: "geojson", data });
    map.addSource("laender", { type: "geojson", data: laender });
    map.addLayer({ id: "fill", type: "fill", source: "kreise", paint: { "fill-color": match, "fill-opacity": 0.85 } });
    map.addLayer({ id: "line", type: "line", source: "kreise", paint: { "line-color": "#333", "line-width": 0.8 } });
    map.addLayer({ id: "land-line", type: "line", source: "laender", paint: { "line-color": "#111", "line-width": 2.4 } });
    getJSON("api/v1/labels/kreis.json").then((l) => placeLabels(maplibregl, map, l.labels, 25)).catch(() => {});
    map.once("idle", () => {
      performance.mark("atlas:idle");
      document.body.dataset.mapReady = `regions/${result.n_clusters}`;
    });
  });
}

if (document.getElementById("map") && config.period) init();

// ------------------------------------------------------------------- municipal layers
const L = (key, vars) => t(`regions_layers.${key}`, vars);
const OTHER = "#dddddd";
// central places: comparison of designated and functional level (Okabe-Ito colours)
const CP_COLOURS = { above: "#0072b2", as_designated: "#009e73", below: "#d55e00", not_assessable: "#c9c3b6", no_data: "#999999", no_designation: "#f7f7f7" };
const URLS = {
  lma: "api/v1/regions/functional/lma.json",
  leiden: "api/v1/regions/functional/leiden.json",
  catchments: "api/v1/regions/functional/catchments.json",
  central_places: "api/v1/regions/functional/central-places.json",
};
const nf3 = new Intl.NumberFormat(lang === "de" ? "de-DE" : "en-GB", { maximumFractionDigits: 3 });
const fmt3 = (v) => (v === null || v === undefined ? "–" : nf3.format(v));
const pct = (v) => (v === null || v === undefined ? "–" : `${fmt(v * 100)} %`);
const levelName = (v) => (v === null || v === undefined ? L("no_designation") : L(`level_${v}`));

function matrixLabel(label) {
  const m = /^(\d)\s/.exec(label);
  if (m) return L(`level_${m[1]}`);
  if (label.startsWith("no cited")) return L("no_designation");
  if (label.startsWith("no functional")) return L("no_functional_data");
  if (label.startsWith("not assessable")) return L("not_assessable");
  return label;
}

// Per layer: key -> colour for each municipality, legend entries, table columns, summary.
function describe(layer, d, palette) {
  const colour = (i) => palette[i % palette.length];
  if (layer === "lma") {
    const areas = new Map(d.areas.map((a) => [a.lma, a]));
    return {
      key: (m) => (m.lma ? colour(areas.get(m.lma).colour) : OTHER),
      legend: [...d.areas.map((a) => [colour(a.colour), `${a.lma}: ${a.main_centre_name ?? "–"} (${fmt(a.municipalities)})`]), [OTHER, L("not_assigned")]],
      summary: L("lma_summary", { n: d.n_areas, q: fmt3(d.summary.q_modularity) }),
      columns: [
        [L("municipality"), (m) => m.name], [L("district"), (m) => m.district],
        [L("area"), (m) => (m.lma ?? L("not_assigned"))], [L("main_centre"), (m) => m.main_centre_name ?? "–"],
        [L("employed_residents"), (m) => fmt(m.residents)], [L("sc_supply"), (m) => pct(m.sc_supply_side)],
        [L("sc_demand"), (m) => pct(m.sc_demand_side)],
      ],
    };
  }
  if (layer === "leiden") {
    const comm = new Map(d.communities.map((c) => [c.leiden, c]));
    const c = d.comparison;
    return {
      key: (m) => (m.leiden ? colour(comm.get(m.leiden).colour) : OTHER),
      legend: d.communities.map((x) => [colour(x.colour), `${x.leiden} (${fmt(x.municipalities)})`]),
      summary: L("leiden_summary", { n: d.n_communities, q: fmt3(d.modularity), ari: fmt3(c.adjusted_rand), nmi: fmt3(c.nmi) }),
      columns: [
        [L("municipality"), (m) => m.name], [L("district"), (m) => m.district],
        [L("community"), (m) => m.leiden ?? "–"], [L("area"), (m) => m.lma ?? L("not_assigned")],
      ],
    };
  }
  if (layer === "catchments") {
    const centres = new Map(d.centres.map((c) => [c.ags, c]));
    const names = new Map(d.municipalities.map((m) => [m.ags, m.name]));
    return {
      key: (m) => (m.is_centre ? colour(centres.get(m.ags).colour) : m.centre && centres.has(m.centre) ? colour(centres.get(m.centre).colour) : OTHER),
      legend: [...d.centres.map((c) => [colour(c.colour), `${c.rank}. ${c.name}`]), [OTHER, L("other")]],
      summary: `${L("catchments_summary", { n: d.n_centres })} ${L("catchments_opacity")}`,
      opacity: (m) => (m.is_centre ? 0.95 : m.share === null ? 0.85 : 0.15 + 0.8 * Math.min(m.share / 0.5, 1)),
      columns: [
        [L("municipality"), (m) => (m.is_centre ? `${m.name} (${L("is_centre")})` : m.name)],
        [L("centre"), (m) => m.centre_name ?? "–"], [L("share"), (m) => pct(m.share)],
        [L("dominant"), (m) => (m.dominant_target ? names.get(m.dominant_target) ?? m.dominant_target : "–")],
        [L("depth"), (m) => m.depth ?? "–"],
      ],
    };
  }
  const n = d.categories;
  return {
    key: (m) => CP_COLOURS[m.category] ?? OTHER,
    legend: Object.keys(CP_COLOURS).map((k) => [CP_COLOURS[k], `${L(k)} (${fmt(n[k] ?? 0)})`]),
    summary: L("central_places_summary", { above: n.above, below: n.below, as_designated: n.as_designated, none: n.no_designation })
      + (n.not_assessable ? ` ${L("not_assessable_summary", { n: n.not_assessable })}` : ""),
    columns: [
      [L("municipality"), (m) => m.name], [L("designated"), (m) => levelName(m.designated_level)],
      [L("functional"), (m) => (m.category === "not_assessable" ? L("not_assessable") : m.functional_level === null ? L("no_functional_data") : L(`level_${m.functional_level}`))],
      [L("comparison"), (m) => L(m.category)], [L("source"), (m) => m[`designation_source_${lang}`] ?? m.designation_source ?? L("no_designation")],
    ],
    matrix: d.matrix,
  };
}

function renderLegend(desc, ended = []) {
  const box = document.getElementById("layers-legend");
  const list = el("ul", { class: "legend-list" });
  for (const [col, label] of desc.legend) {
    list.append(el("li", {}, el("span", { class: "swatch", style: `background:${col}`, "aria-hidden": "true" }), ` ${label}`));
  }
  // dissolved municipalities the boundaries still show (web.ended): dotted, with the reason
  if (ended.length) {
    list.append(el("li", { id: "layers-legend-ended" }, el("span", { class: "swatch", style: ENDED_SWATCH, "aria-hidden": "true" }),
      ` ${t("js.ended_legend")} (${ended.length})`));
  }
  box.replaceChildren(list);
  if (ended.length) {
    const notes = el("ul", { class: "note ended-notes" });
    for (const p of ended) notes.append(el("li", { text: endedText(p) }));
    box.append(notes);
  }
  const mbox = document.getElementById("layers-matrix");
  if (!desc.matrix) return mbox.replaceChildren();
  const head = el("tr", {}, el("th", { scope: "col", text: L("matrix_designated") }), ...desc.matrix.columns.map((c) => el("th", { scope: "col", text: matrixLabel(c) })));
  const body = desc.matrix.rows.map((r, i) => el("tr", {}, el("th", { scope: "row", text: matrixLabel(r) }), ...desc.matrix.counts[i].map((v) => el("td", { text: fmt(v) }))));
  mbox.replaceChildren(scrollBox(el("table", { class: "matrix" }, el("caption", { text: L("matrix") }), el("thead", {}, head), el("tbody", {}, ...body)), L("matrix"), "wide-scroll"));
}

function renderTable(layer, d, desc) {
  const head = el("tr", {}, ...desc.columns.map(([label]) => el("th", { scope: "col", text: label })));
  const rows = d.municipalities.map((m) => {
    const cells = desc.columns.map(([, get], i) => (i === 0 ? el("th", { scope: "row", text: String(get(m)) }) : el("td", { text: String(get(m)) })));
    cells[0].prepend(el("span", { class: "swatch", style: `background:${desc.key(m)}`, "aria-hidden": "true" }), " ");
    return el("tr", {}, ...cells);
  });
  const table = el("table", { class: "layer-table", id: "layers-table" },
    el("caption", { text: `${L("table")}: ${L(layer)}` }), el("thead", {}, head), el("tbody", {}, ...rows));
  // a scroll box of its own: the municipalities' table must not make the page 20,000 px tall
  document.getElementById("layers-table-wrap").replaceChildren(scrollBox(table, `${L("table")}: ${L(layer)}`));
  return rows.length;
}

async function initLayers() {
  const palette = config.layers.palette;
  const [gemeinden, laender] = await Promise.all([getJSON("api/v1/geometry/gemeinde.geojson"), getJSON("api/v1/geometry/land.geojson")]);
  const map = new maplibregl.Map(mapOptions("layers-map", config.layers.bbox));
  window.atlasLayersMap = map;
  // two maps on the page: their canvases need distinct accessible names
  const canvasLabel = map.getCanvas().getAttribute("aria-label") || "Map";
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), "top-right");
  await new Promise((resolve) => map.on("load", resolve));
  map.addSource("gemeinden", { type: "geojson", data: gemeinden });
  map.addSource("laender-l", { type: "geojson", data: laender });
  map.addLayer({ id: "g-fill", type: "fill", source: "gemeinden", paint: { "fill-color": OTHER, "fill-opacity": 0.85 } });
  map.addImage("ended", endedImage(), { pixelRatio: 1 });
  map.addLayer({ id: "g-ended", type: "fill", source: "gemeinden", filter: ["==", ["get", "ended"], 1], paint: { "fill-pattern": "ended" } });
  map.addLayer({ id: "g-line", type: "line", source: "gemeinden", paint: { "line-color": "#555", "line-width": 0.3 } });
  const endedProps = gemeinden.features.filter((f) => f.properties.ended).map((f) => f.properties);
  map.addLayer({ id: "l-line", type: "line", source: "laender-l", paint: { "line-color": "#111", "line-width": 2.4 } });
  const status = document.getElementById("layers-status");
  let layerLabels = [];

  async function show(layer) {
    status.textContent = L("loading");
    delete document.body.dataset.layerReady;
    let d;
    try {
      d = await getJSON(URLS[layer]);
    } catch (err) {
      status.textContent = `${L("error")} (${err.message})`;
      return;
    }
    const desc = describe(layer, d, palette);
    const match = ["match", ["get", "ags"]];
    for (const m of d.municipalities) match.push(m.ags, desc.key(m));
    match.push(OTHER);
    map.setPaintProperty("g-fill", "fill-color", match);
    // catchments: the stronger the colour, the larger the share going to the centre
    const opacity = ["match", ["get", "ags"]];
    for (const m of d.municipalities) opacity.push(m.ags, desc.opacity ? desc.opacity(m) : 0.85);
    opacity.push(0.85);
    map.setPaintProperty("g-fill", "fill-opacity", opacity);
    map.getCanvas().setAttribute("aria-label", `${canvasLabel} (${L(layer)})`);
    status.textContent = desc.summary;
    document.getElementById("layers-note").textContent = d[`note_${lang}`] ?? d.note;
    const attribution = document.getElementById("layers-attribution");
    attribution.replaceChildren();
    d.attribution.forEach((a, i) => {
      if (i) attribution.append(" · ");
      attribution.append(el("span", { class: "source-statement", lang: "de", text: a })); // the publishers' own words
    });
    document.getElementById("layers-json").setAttribute("href", new URL(URLS[layer], new URL("../../", import.meta.url)).href);
    const inLayer = new Set(d.municipalities.map((m) => m.ags));
    renderLegend(desc, endedProps.filter((p) => !inLayer.has(p.ags)));
    const n = renderTable(layer, d, desc);
    // names: each labour-market area by its main centre, each catchment by its centre
    const points = await getJSON("api/v1/labels/gemeinde.json").catch(() => ({ labels: [] }));
    const at = new Map(points.labels.map((l) => [l.ags, l]));
    const named = layer === "lma" ? d.areas.map((a) => [a.main_centre, a.main_centre_name])
      : layer === "catchments" ? d.centres.map((c) => [c.ags, c.name])
      : points.labels.slice(0, 15).map((l) => [l.ags, l.name]);
    const items = named.filter(([ags]) => at.has(ags)).map(([ags, text]) => ({ ...at.get(ags), text }));
    layerLabels = placeLabels(maplibregl, map, items, 40, layerLabels);
    writeHash({ layer });
    map.once("idle", () => { document.body.dataset.layerReady = `${layer}/${n}`; });
    map.triggerRepaint();
  }

  const radios = [...document.querySelectorAll("input[name=layer]")];
  window.addEventListener("hashchange", () => {
    const layer = readHash().layer;
    const radio = radios.find((r) => r.value === layer);
    if (radio && !radio.checked) {
      radio.checked = true;
      show(layer);
    }
  });
  const initial = URLS[readHash().layer] ? readHash().layer : "lma";
  for (const r of radios) {
    r.checked = r.value === initial;
    r.addEventListener("change", () => r.checked && show(r.value));
  }
  await show(initial);
}

if (document.getElementById("layers-map") && config.layers) initLayers();
