/* Online filing: show "who or what is it about" only for the kinds the law asks it for.
   Progressive enhancement: without JavaScript every field stays visible. */
(function () {
  "use strict";
  var form = document.getElementById("petition-file-form");
  if (!form) { return; }
  var about = document.getElementById("div_id_respondent");
  function update() {
    var checked = form.querySelector("input[name=kind]:checked");
    var kind = checked ? checked.value : "";
    if (about) { about.hidden = (kind === "recommendation" || kind === "feedback"); }
  }
  form.addEventListener("change", function (event) {
    if (event.target && event.target.name === "kind") { update(); }
  });
  update();
})();
