// Perceived vs measured on a map: the agreement of the chosen comparison per district
// (from results.json; districts with fewer than 5 responses grey and labelled "suppressed").
// The same figures are in the tables below the map.
import * as maplibregl from "../vendor/maplibre-gl/maplibre-gl.mjs";
import { config, getJSON, mapOptions } from "./common.js";

const CLASSES = [0.2, 0.4, 0.6, 0.8];
const COLOURS = ["#d7191c", "#fdae61", "#ffffbf", "#a6d96a", "#1a9641"];
const SUPPRESSED = "#9e9e9e";

function colourOf(row) {
  if (!row) return "#ffffff";
  if (row.suppressed) return SUPPRESSED;
  const i = CLASSES.findIndex((c) => row.agreement < c);
  return COLOURS[i === -1 ? COLOURS.length - 1 : i];
}

async function main() {
  const box = document.getElementById("survey-map");
  const select = document.getElementById("cmp-select");
  if (!box || !select || !config.results) return;
  const [results, kreise] = await Promise.all([
    fetch(config.results, { credentials: "same-origin" }).then((r) => r.json()),
    getJSON("api/v1/geometry/kreis.geojson"),
  ]);
  const map = new maplibregl.Map(mapOptions("survey-map", config.bbox));
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }));
  const paint = () => {
    const cmp = results.comparisons[select.value];
    const rows = {};
    (cmp ? cmp.areas : []).filter((a) => a.level === "kreis").forEach((a) => { rows[a.area] = a; });
    const data = {
      ...kreise,
      features: kreise.features.map((f) => ({
        ...f,
        properties: { ...f.properties, colour: colourOf(rows[f.properties.ags]) },
      })),
    };
    map.getSource("kreise").setData(data);
    document.body.dataset.mapReady = select.value;
  };
  map.on("load", () => {
    map.addSource("kreise", { type: "geojson", data: kreise });
    map.addLayer({
      id: "kreise", type: "fill", source: "kreise",
      paint: { "fill-color": ["coalesce", ["get", "colour"], "#ffffff"], "fill-outline-color": "#555" },
    });
    paint();
  });
  select.addEventListener("change", () => { if (map.getSource("kreise")) paint(); });
}

main();
