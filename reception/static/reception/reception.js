// Reception pages (a static file: the CSP allows no inline scripts).

// Print button of the reception book.
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});

// Visit form: when the official leaves the name, identity, address or content field,
// show earlier visits of the same person or matter above the form. The fields go by POST
// (with the form's CSRF token), never in a URL: access logs keep URLs.
(function () {
  var form = document.querySelector("form[data-repeats-url]");
  var region = document.getElementById("repeat-proposals");
  if (!form || !region) { return; }
  var fields = ["identity_number", "citizen_name", "address", "content"];
  var last = "";
  var asked = 0;  // answers can come back out of order: only the latest question's is shown
  function lookup() {
    var params = new URLSearchParams();
    fields.forEach(function (name) {
      var input = form.elements[name];
      if (input && input.value.trim()) { params.set(name, input.value.trim()); }
    });
    var query = params.toString();
    if (!query || query === last) { return; }
    last = query;
    var mine = ++asked;
    var token = form.elements.csrfmiddlewaretoken;
    fetch(form.dataset.repeatsUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": token ? token.value : "" },
      body: params
    })
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) { if (mine === asked) { region.innerHTML = html; } })
      .catch(function () { /* proposals are a help, never a blocker */ });
  }
  fields.forEach(function (name) {
    var input = form.elements[name];
    if (input) { input.addEventListener("change", lookup); }
  });
})();
