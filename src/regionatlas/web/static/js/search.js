// Search in the browser (used by the static export, where no server answers ?q=).
import { ROOT, config, el, getJSON, lang } from "./common.js";

const box = document.getElementById("search-results");
const q = new URLSearchParams(location.search).get("q") || "";
const fold = (s) => s.toLowerCase().replaceAll("ß", "ss").replaceAll("ä", "ae").replaceAll("ö", "oe").replaceAll("ü", "ue")
  .normalize("NFKD").replace(/[\u0300-\u036f]/g, "");

if (q && !box.querySelector("h2")) {
  document.getElementById("q").value = q;
  getJSON("api/v1/units.json").then((units) => {
    const f = fold(q);
    const hits = units.filter((u) => u.level !== "staat" && (/^\d+$/.test(q) ? u.ags.startsWith(q) : fold(u.name).includes(f))).slice(0, 50);
    box.replaceChildren(el("h2", { text: box.dataset.results.replace("{q}", q) }));
    if (!hits.length) { box.append(el("p", { text: box.dataset.none })); return; }
    box.append(el("ul", { class: "results" }, ...hits.map((u) => el("li", {},
      el("a", { href: `${ROOT}${lang}/profile/${u.ags}/`, text: u.name }), " ",
      el("span", { class: "meta", text: `${config.levels[u.level] || u.level} · ${u.ags}` })))));
  });
}
