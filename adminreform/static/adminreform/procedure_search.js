// Search as you type for the counter's procedure picker. Without JS the GET form works.
(function () {
  "use strict";
  var input = document.querySelector("[data-procedure-search]");
  var box = document.getElementById("procedure-results");
  if (!input || !box) { return; }
  var timer = null;
  var latest = 0;

  function render(results) {
    box.textContent = "";
    if (!results.length) {
      var p = document.createElement("p");
      p.className = "mt-3";
      p.textContent = box.dataset.empty;
      box.appendChild(p);
      return;
    }
    var list = document.createElement("ul");
    list.className = "list-group mt-3";
    results.forEach(function (r) {
      var item = document.createElement("li");
      item.className = "list-group-item";
      var link = document.createElement("a");
      link.href = r.url;
      link.textContent = r.name;
      var meta = document.createElement("span");
      meta.className = "text-body-secondary";
      meta.textContent = " · " + r.code + " · " + r.days + " " + box.dataset.days;
      item.appendChild(link);
      item.appendChild(meta);
      list.appendChild(item);
    });
    box.appendChild(list);
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var text = input.value.trim();
      var ticket = ++latest;
      if (!text) { box.textContent = ""; return; }
      fetch(box.dataset.url + "?q=" + encodeURIComponent(text), { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (data) { if (ticket === latest) { render(data.results); } });
    }, 200);
  });
})();
