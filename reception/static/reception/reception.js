// Reception pages (a static file: the CSP allows no inline scripts).

// Print button of the reception book.
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});

// Visit form: when the official leaves the name, identity, address or content field,
// show earlier visits of the same person or matter above the form.
(function () {
  var form = document.querySelector("form[data-repeats-url]");
  var region = document.getElementById("repeat-proposals");
  if (!form || !region) { return; }
  var fields = ["identity_number", "citizen_name", "address", "content"];
  var last = "";
  function lookup() {
    var params = new URLSearchParams();
    fields.forEach(function (name) {
      var input = form.elements[name];
      if (input && input.value.trim()) { params.set(name, input.value.trim()); }
    });
    var query = params.toString();
    if (!query || query === last) { return; }
    last = query;
    fetch(form.dataset.repeatsUrl + "?" + query, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) { region.innerHTML = html; })
      .catch(function () { /* proposals are a help, never a blocker */ });
  }
  fields.forEach(function (name) {
    var input = form.elements[name];
    if (input) { input.addEventListener("change", lookup); }
  });
})();
