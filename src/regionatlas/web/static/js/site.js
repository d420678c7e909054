// Behaviour every page shares (a file, not inline: the Content-Security-Policy allows no
// inline script or event-handler attribute).

// keep the map view (hash) when switching language
const langSwitch = document.getElementById("lang-switch");
if (langSwitch) {
  langSwitch.addEventListener("click", () => {
    langSwitch.href = langSwitch.href.split("#")[0].split("?")[0] + location.search + location.hash;
  });
}

// control forms update the map as you change them; they are never submitted
for (const form of document.querySelectorAll("form.controls")) {
  form.addEventListener("submit", (event) => event.preventDefault());
}

// print buttons (the profile's "print / save as PDF")
for (const button of document.querySelectorAll("[data-print]")) {
  button.addEventListener("click", () => window.print());
}
