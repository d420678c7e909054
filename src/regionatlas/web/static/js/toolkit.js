// The Werkzeugkasten filter in the browser (the static export has no server to answer
// ?stage=…); a file, not inline, for the Content-Security-Policy.
const form = document.querySelector(".toolkit-filter");
if (form) {
  const items = [...document.querySelectorAll(".toolkit-item")];
  const count = document.getElementById("toolkit-count");
  const msg = JSON.parse(document.getElementById("atlas-messages").textContent)["toolkit.count"];
  const apply = () => {
    const st = form.stage.value;
    const ef = form.effort.value;
    const lg = form.legal.value.trim().toLowerCase();
    let n = 0;
    for (const li of items) {
      const ok = (!st || li.dataset.stages.split(" ").includes(st))
        && (!ef || li.dataset.effort === ef)
        && (!lg || li.dataset.legal.toLowerCase().includes(lg));
      li.hidden = !ok;
      if (ok) n++;
    }
    count.textContent = msg.replace("{n}", n);
  };
  form.addEventListener("change", apply);
  form.addEventListener("submit", (event) => { event.preventDefault(); apply(); });
  const query = new URLSearchParams(location.search);
  for (const key of ["stage", "effort", "legal"]) {
    if (query.get(key)) form[key].value = query.get(key);
  }
  apply();
}
