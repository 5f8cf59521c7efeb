/* One feedback's place on a small map (the page a public map point opens). */
(function () {
  "use strict";
  var holder = document.getElementById("feedback-point");
  var configNode = document.getElementById("map-config");
  if (!holder || !configNode || !window.L) { return; }
  var config = JSON.parse(configNode.textContent);
  var map = L.map(holder, { center: config.point, zoom: config.zoom });
  L.tileLayer(config.tiles, { maxZoom: config.maxZoom, attribution: config.attribution, referrerPolicy: "strict-origin-when-cross-origin" }).addTo(map);
  L.marker(config.point, {
    icon: L.divIcon({ className: "map-pin-icon", html: '<span class="map-pin map-pin-open"></span>', iconSize: [24, 24], iconAnchor: [12, 12] }),
    keyboard: false, interactive: false
  }).addTo(map);
})();
