// Picking a municipality on a map: a click on a municipality of the region writes it into the
// place field used last (or the first empty one). Typing the name works without the map; the
// map only offers municipalities that are in the form's list.
import * as maplibregl from "../vendor/maplibre-gl/maplibre-gl.mjs";
import { config, getJSON, mapOptions } from "./common.js";

async function main() {
  const box = document.getElementById("place-map");
  if (!box) return;
  const allowed = new Set([...document.querySelectorAll("#region-places option")].map((o) => o.value));
  let target = null;
  document.querySelectorAll("input[list=region-places]").forEach((el) => {
    el.addEventListener("focus", () => { target = el; });
  });
  const status = document.getElementById("place-map-status");
  const gemeinden = await getJSON("api/v1/geometry/gemeinde.geojson");
  gemeinden.features = gemeinden.features.filter((f) => allowed.has(`${f.properties.name} (${f.properties.ags})`));
  const map = new maplibregl.Map(mapOptions("place-map", config.bbox));
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }));
  map.on("load", () => {
    map.addSource("gemeinden", { type: "geojson", data: gemeinden });
    map.addLayer({ id: "gemeinden", type: "fill", source: "gemeinden",
      paint: { "fill-color": "#cfe0f3", "fill-outline-color": "#1d3557" } });
    map.on("click", "gemeinden", (e) => {
      const p = e.features[0].properties;
      const label = `${p.name} (${p.ags})`;
      const field = target || [...document.querySelectorAll("input[list=region-places]")]
        .find((el) => !el.value && el.offsetParent !== null);
      if (!field) return;
      field.value = label;
      field.dispatchEvent(new Event("change", { bubbles: true }));
      if (status) status.textContent = `${label} → ${field.labels[0]?.textContent || field.id}`;
    });
    map.once("idle", () => { document.body.dataset.mapReady = "places"; });  // drawn: clickable
  });
}

main();
