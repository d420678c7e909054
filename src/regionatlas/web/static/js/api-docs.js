// Swagger UI for the API docs page (a file, not an inline script: the Content-Security-Policy
// allows scripts from the app's own files only). The spec's URL is the element's data-spec.
const ui = document.getElementById("ui");
window.SwaggerUIBundle({ url: ui.dataset.spec, dom_id: "#ui" });
