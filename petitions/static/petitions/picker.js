/* The place of a feedback on the filing form: choose a point on the map (tap or click; the
   point can be dragged) and the latitude and longitude fields are filled; typing them moves
   the point. Progressive enhancement: without JavaScript the typed fields work alone. */
(function () {
  "use strict";
  var configNode = document.getElementById("picker-config");
  var lat = document.getElementById("id_latitude");
  var lng = document.getElementById("id_longitude");
  if (!configNode || !lat || !lng || !window.L) { return; }
  var config = JSON.parse(configNode.textContent);
  var row = lat.closest(".row") || lat.parentNode;
  var help = document.createElement("p");
  help.className = "form-text";
  help.id = "location-picker-help";
  help.textContent = config.words.help;
  var holder = document.createElement("div");
  holder.id = "location-picker";
  holder.className = "location-picker";
  holder.setAttribute("role", "region");
  holder.setAttribute("aria-label", config.words.label);
  holder.setAttribute("aria-describedby", "location-picker-help");
  row.parentNode.insertBefore(help, row);
  row.parentNode.insertBefore(holder, row);

  var map = L.map(holder, { center: config.center, zoom: config.zoom });
  L.tileLayer(config.tiles, { maxZoom: config.maxZoom, attribution: config.attribution, referrerPolicy: "strict-origin-when-cross-origin" }).addTo(map);
  var icon = L.divIcon({ className: "map-pin-icon", html: '<span class="map-pin map-pin-open"></span>', iconSize: [24, 24], iconAnchor: [12, 12] });
  var point = null;

  function place(latlng, fill) {
    if (!point) {
      point = L.marker(latlng, { icon: icon, draggable: true, title: config.words.point, alt: config.words.point }).addTo(map);
      point.on("dragend", function () { place(point.getLatLng(), true); });
    } else {
      point.setLatLng(latlng);
    }
    if (fill) {
      lat.value = latlng.lat.toFixed(6);
      lng.value = L.Util.wrapNum(latlng.lng, [-180, 180], true).toFixed(6);
    }
  }

  function typed() {
    var a = parseFloat(String(lat.value).replace(",", "."));
    var b = parseFloat(String(lng.value).replace(",", "."));
    if (isFinite(a) && isFinite(b) && Math.abs(a) <= 90 && Math.abs(b) <= 180) {
      place(L.latLng(a, b), false);
      map.setView([a, b], Math.max(map.getZoom(), 16));
    }
  }

  map.on("click", function (event) { place(event.latlng, true); });
  lat.addEventListener("change", typed);
  lng.addEventListener("change", typed);
  typed();

  if (navigator.geolocation) {
    var here = document.createElement("button");
    here.type = "button";
    here.className = "btn btn-outline-primary btn-sm mb-3";
    here.textContent = config.words.here;
    here.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (position) {
        var latlng = L.latLng(position.coords.latitude, position.coords.longitude);
        place(latlng, true);
        map.setView(latlng, 17);
      });
    });
    row.parentNode.insertBefore(here, row);
  }
})();
