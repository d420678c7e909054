// Survey form: questions with a condition are shown only when it holds (the server applies
// the same rule, and without JavaScript every question stays visible with its condition
// spelled out). Moves focus to the error summary when the page comes back with errors.
const form = document.querySelector("form.survey-form");

function answerOf(code) {
  const inputs = form.querySelectorAll(`[name="q_${code}"]`);
  const values = [];
  inputs.forEach((el) => {
    if ((el.type === "radio" || el.type === "checkbox") ? el.checked : el.value) values.push(el.value);
  });
  return values;
}

function update() {
  form.querySelectorAll("fieldset[data-show-if]").forEach((fs) => {
    const wanted = fs.dataset.values.split(" ");
    const shown = answerOf(fs.dataset.showIf).some((v) => wanted.includes(v));
    fs.hidden = !shown;
  });
}

if (form) {
  form.addEventListener("change", update);
  update();
  const summary = document.getElementById("error-summary");
  if (summary) summary.focus();
}
