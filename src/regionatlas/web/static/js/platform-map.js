// Platform maps (actors directory, DKZ sites): points from a GeoJSON URL of the page over the
// region's districts and the state borders, all loaded from this server. The same points are
// listed in a table on the page (the map is a second view, not the only one).
import * as maplibregl from "../vendor/maplibre-gl/maplibre-gl.mjs";
import { config, getJSON, mapOptions } from "./common.js";

const COLOURS = ["match", ["get", "status"], "proposed", "#b35806", "existing", "#1b7837", "#2166ac"];

async function main() {
  const box = document.getElementById("platform-map");
  if (!box || !config.points) return;
  const [points, kreise, laender] = await Promise.all([
    fetch(config.points).then((r) => r.json()),
    getJSON("api/v1/geometry/kreis.geojson").catch(() => null),
    getJSON("api/v1/geometry/land.geojson").catch(() => null),
  ]);
  const map = new maplibregl.Map(mapOptions("platform-map", config.bbox));
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }));
  map.on("load", () => {
    if (kreise) {
      map.addSource("kreise", { type: "geojson", data: kreise });
      map.addLayer({ id: "kreise", type: "fill", source: "kreise", paint: { "fill-color": "#fff", "fill-outline-color": "#9aa" } });
    }
    if (laender) {
      map.addSource("laender", { type: "geojson", data: laender });
      map.addLayer({ id: "laender", type: "line", source: "laender", paint: { "line-color": "#555", "line-width": 1.5 } });
    }
    map.addSource("points", { type: "geojson", data: points });
    map.addLayer({
      id: "points", type: "circle", source: "points",
      paint: { "circle-radius": 7, "circle-color": COLOURS, "circle-stroke-color": "#fff", "circle-stroke-width": 1.5 },
    });
    map.on("click", "points", (e) => {
      const p = e.features[0].properties;
      const div = document.createElement("div");
      div.textContent = p.label;
      new maplibregl.Popup().setLngLat(e.lngLat).setDOMContent(div).addTo(map);
    });
    // for tests and scripts: the map has drawn this many points
    map.once("idle", () => { document.body.dataset.platformMapPoints = String(points.features.length); });
    if (points.features.length) {
      const xs = points.features.map((f) => f.geometry.coordinates[0]);
      const ys = points.features.map((f) => f.geometry.coordinates[1]);
      map.fitBounds([Math.min(...xs) - 0.2, Math.min(...ys) - 0.15, Math.max(...xs) + 0.2, Math.max(...ys) + 0.15], { padding: 30, maxZoom: 10, duration: 0 });
    }
  });
}
main();
