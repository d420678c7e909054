// Shared helpers: configuration embedded in the page, messages, data URLs, number format,
// the view state kept in the URL hash (shareable links).
export const ROOT = new URL("../../", import.meta.url).href; // site root (server or static)
export const config = JSON.parse(document.getElementById("atlas-config")?.textContent || "{}");
export const messages = JSON.parse(document.getElementById("atlas-messages")?.textContent || "{}");
export const lang = document.documentElement.lang || "de";

export function t(key, vars = {}) {
  let text = messages[key] ?? key;
  for (const [k, v] of Object.entries(vars)) text = text.replaceAll(`{${k}}`, v);
  return text;
}

const cache = new Map();
export async function getJSON(path) {
  if (!cache.has(path)) {
    cache.set(path, fetch(ROOT + path).then((r) => {
      if (!r.ok) throw new Error(`${r.status} ${path}`);
      return r.json();
    }));
  }
  return cache.get(path);
}

const nf = new Intl.NumberFormat(lang === "de" ? "de-DE" : "en-GB", { maximumFractionDigits: 1 });
export function fmt(v) {
  return v === null || v === undefined ? "–" : nf.format(v);
}

const digitFormats = new Map();
// A number with exactly the indicator's decimals (class bounds: "0 bis 269" persons).
export function fmtDigits(v, digits) {
  if (v === null || v === undefined) return "–";
  if (!digitFormats.has(digits)) {
    digitFormats.set(digits, new Intl.NumberFormat(lang === "de" ? "de-DE" : "en-GB", { minimumFractionDigits: digits, maximumFractionDigits: digits }));
  }
  return digitFormats.get(digits).format(v);
}

// Typed class bounds in the page's number format (the same rules as web.classify.parse_breaks):
// numbers separated by ";", blanks or a comma before a blank; German "1.000" is a thousand and
// "2,5" two and a half, English the other way round. -> { values } or { error, token }.
const NUMBER = {
  de: /^[+-]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$/,
  en: /^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$/,
};
function readNumber(token, language) {
  token = token.replaceAll("\u2212", "-");
  if (!NUMBER[language].test(token)) return null;
  const [group, decimal] = language === "de" ? [".", ","] : [",", "."];
  return Number(token.replaceAll(group, "").replace(decimal, "."));
}
export function parseBreaks(text, language = lang) {
  const values = [];
  for (let chunk of (text || "").trim().split(/[;\s]+/)) {
    if (!chunk) continue;
    chunk = chunk.replace(/,+$/, "");
    let parts = [chunk];
    if (language === "en" && readNumber(chunk, language) === null) parts = chunk.split(",").filter(Boolean);
    for (const part of parts) {
      const v = readNumber(part, language);
      if (v === null) return { error: "not_number", token: part };
      values.push(v);
    }
  }
  if (!values.length) return { error: "empty" };
  for (let i = 1; i < values.length; i++) if (values[i] <= values[i - 1]) return { error: "not_ascending" };
  return { values };
}

export function readHash() {
  const out = {};
  for (const [k, v] of new URLSearchParams(location.hash.slice(1))) out[k] = v;
  return out;
}

export function writeHash(state) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(state)) if (v !== null && v !== undefined && v !== "") p.set(k, v);
  history.replaceState(null, "", "#" + p.toString());
}

export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") e.className = v;
    else if (k === "text") e.textContent = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c);
  return e;
}

// A hatch pattern for suppressed / unknown values (no sprite server needed).
export function hatchImage(size = 8) {
  const c = document.createElement("canvas");
  c.width = c.height = size;
  const g = c.getContext("2d");
  g.fillStyle = "#e6e6e6";
  g.fillRect(0, 0, size, size);
  g.strokeStyle = "#8a8a8a";
  g.lineWidth = 1.5;
  g.beginPath();
  g.moveTo(0, size); g.lineTo(size, 0);
  g.moveTo(-size / 2, size / 2); g.lineTo(size / 2, -size / 2);
  g.moveTo(size / 2, size * 1.5); g.lineTo(size * 1.5, size / 2);
  g.stroke();
  return g.getImageData(0, 0, size, size);
}

// Ended units (dissolved municipalities the boundaries still show, web.ended): dotted, so
// they read differently from hatched "confidential / unknown" values.
export const ENDED_SWATCH = "background: radial-gradient(circle, #6a5a8c 1.3px, #ece8f2 1.6px) 0 0 / 5px 5px";
export function endedImage(size = 8) {
  const c = document.createElement("canvas");
  c.width = c.height = size;
  const g = c.getContext("2d");
  g.fillStyle = "#ece8f2";
  g.fillRect(0, 0, size, size);
  g.fillStyle = "#6a5a8c";
  for (const [x, y] of [[2, 2], [6, 6]]) {
    g.beginPath();
    g.arc(x, y, 1.3, 0, 2 * Math.PI);
    g.fill();
  }
  return g.getImageData(0, 0, size, size);
}

const df = new Intl.DateTimeFormat(lang === "de" ? "de-DE" : "en-GB", { dateStyle: "long", timeZone: "UTC" });
export function fmtDate(iso) {
  return iso ? df.format(new Date(`${iso}T00:00:00Z`)) : "–";
}

// Why an ended unit has no data (properties of web.ended.feature_properties).
export function endedText(p) {
  if (p.ended_date) return t("js.ended_note", { name: p.name, date: fmtDate(p.ended_date), to: p.ended_to || "–" });
  return t("js.ended_generic", { name: p.name, as_of: fmtDate(p.ended_as_of), reference: fmtDate(p.ended_reference) });
}

export function arrowImage(size = 24) {
  const c = document.createElement("canvas");
  c.width = c.height = size;
  const g = c.getContext("2d");
  g.fillStyle = "#000";
  g.beginPath();
  g.moveTo(size * 0.2, size * 0.2); g.lineTo(size * 0.85, size / 2); g.lineTo(size * 0.2, size * 0.8);
  g.closePath();
  g.fill();
  return g.getImageData(0, 0, size, size);
}

export const BASE_STYLE = {
  version: 8,
  sources: {},
  layers: [{ id: "background", type: "background", paint: { "background-color": "#eef2f3" } }],
};

export function mapLocale() {
  const keys = {
    "NavigationControl.ZoomIn": "js.zoom_in",
    "NavigationControl.ZoomOut": "js.zoom_out",
    "NavigationControl.ResetBearing": "js.reset_bearing",
    "Map.Title": "js.map_title",
    "AttributionControl.ToggleAttribution": "js.toggle_attribution",
    "FullscreenControl.Enter": "js.fullscreen_enter",
    "FullscreenControl.Exit": "js.fullscreen_exit",
    "Popup.Close": "js.popup_close",
    "ScaleControl.Meters": "js.unit_m",
    "ScaleControl.Kilometers": "js.unit_km",
  };
  return Object.fromEntries(Object.entries(keys).map(([k, v]) => [k, t(v)]));
}

export function mapOptions(container, bbox) {
  return {
    container,
    style: BASE_STYLE,
    bounds: bbox || [5.8, 47.2, 15.1, 55.1],
    fitBoundsOptions: { padding: 20 },
    attributionControl: false,
    canvasContextAttributes: { antialias: false },
    dragRotate: false,
    pitchWithRotate: false,
    fadeDuration: 0,
    locale: mapLocale(), // MapLibre's own controls in the page's language
  };
}

// A wide table in its own focusable, named scroll container (the page never scrolls sideways).
export function scrollBox(table, label, cls = "table-scroll") {
  return el("div", { class: cls, tabindex: "0", role: "region", "aria-label": t("site.table_region", { name: label }) }, table);
}

// Place names on a map as HTML markers (no glyph server): the first n labels of
// api/v1/labels/{level}.json (largest places first); fewer on a narrow map. The names are
// decoration of the canvas (aria-hidden): the page's tables name every place.
export function placeLabels(maplibregl, map, labels, n, old = []) {
  for (const m of old) m.remove();
  const room = Math.max(4, Math.round((n * map.getContainer().clientWidth) / 700));
  return labels.slice(0, Math.min(n, room)).map((l) => {
    const e = el("span", { class: "map-label", "aria-hidden": "true", text: l.text ?? l.name });
    return new maplibregl.Marker({ element: e, anchor: "center" }).setLngLat([l.lon, l.lat]).addTo(map);
  });
}
