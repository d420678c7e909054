// Functional regions: districts coloured by their Leiden community.
import * as maplibregl from "../vendor/maplibre-gl/maplibre-gl.mjs";
import { config, getJSON, mapOptions } from "./common.js";

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
    map.once("idle", () => {
      performance.mark("atlas:idle");
      document.body.dataset.mapReady = `regions/${result.n_clusters}`;
    });
  });
}

if (document.getElementById("map") && config.period) init();
