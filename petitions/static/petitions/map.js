/* The map of feedback: its points come from the JSON endpoint of the page's config, a page at
   a time (following "next"), and are grouped in clusters. Each point's popup is built with
   text nodes only (nothing the citizen typed is read as HTML) and links to the feedback's
   public status, or (staff map) to the petition's page. The list under the map shows the same
   feedback without JavaScript. */
(function () {
  "use strict";
  var holder = document.getElementById("feedback-map");
  var configNode = document.getElementById("map-config");
  if (!holder || !configNode || !window.L) { return; }
  var config = JSON.parse(configNode.textContent);
  var status = document.getElementById("feedback-map-status");
  var MAX_POINTS = 20000;
  var lang = document.documentElement.lang || "vi";
  var words = config.words;  // translated by the page (petitions.views.map)

  var map = L.map(holder, { center: config.center, zoom: config.zoom, keyboard: true });
  L.tileLayer(config.tiles, {
    maxZoom: config.maxZoom,
    attribution: config.attribution,
    // The tile server's usage policy asks for the site's origin (the page's own policy sends none).
    referrerPolicy: "strict-origin-when-cross-origin"
  }).addTo(map);
  var cluster = L.markerClusterGroup({ chunkedLoading: true, showCoverageOnHover: false });
  map.addLayer(cluster);

  var icons = {
    1: L.divIcon({ className: "map-pin-icon", html: '<span class="map-pin map-pin-open"></span>', iconSize: [24, 24], iconAnchor: [12, 12] }),
    0: L.divIcon({ className: "map-pin-icon", html: '<span class="map-pin map-pin-closed"></span>', iconSize: [24, 24], iconAnchor: [12, 12] })
  };

  function row(dl, term, value) {
    if (!value) { return; }
    var dt = document.createElement("dt"); dt.textContent = term;
    var dd = document.createElement("dd"); dd.textContent = value;
    dl.appendChild(dt); dl.appendChild(dd);
  }

  function popup(point, units) {
    var box = document.createElement("div");
    box.className = "map-popup";
    var dl = document.createElement("dl");
    dl.className = "mb-1";
    if (config.staff) { row(dl, words.ref, point[9]); } else { row(dl, words.code, point[0]); }
    row(dl, words.category, config.labels.category[point[3]] || point[3]);
    row(dl, words.state, config.labels.status[point[4]] || point[4]);
    row(dl, words.received, point[6]);
    row(dl, words.unit, units[point[7]]);
    row(dl, words.place, point[8]);
    box.appendChild(dl);
    var link = document.createElement("a");
    link.className = "map-popup-link";
    link.href = config.staff ? config.link.replace("/ID/", "/" + point[0] + "/") : config.link.replace("CODE", encodeURIComponent(point[0]));
    link.textContent = config.staff ? words.openStaff : words.openPublic;
    box.appendChild(link);
    return box;
  }

  function marker(point, units) {
    var title = (config.staff ? point[9] : point[0]) + ": " + (config.labels.category[point[3]] || "") + ", " + config.labels.open[String(point[5])];
    var m = L.marker([point[1], point[2]], { icon: icons[point[5]], title: title, alt: title, keyboard: true });
    m.bindPopup(function () { return popup(point, units); });
    return m;
  }

  var count = 0;
  var bounds = L.latLngBounds([]);
  function say(text) { if (status) { status.textContent = text; } }

  function load(url) {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (page) {
        var markers = page.points.map(function (point) {
          bounds.extend([point[1], point[2]]);
          return marker(point, page.units);
        });
        cluster.addLayers(markers);
        count += markers.length;
        if (page.next && count < MAX_POINTS) {
          say(words.loading + " " + count.toLocaleString(lang));
          load(page.next);
          return;
        }
        var text = count.toLocaleString(lang) + " " + words.shown + ".";
        if (page.next) { text += " " + words.more.replace("%n", MAX_POINTS.toLocaleString(lang)); }
        say(text);
        // The first view is fitted at once (no zoom animation), then the map says it is ready.
        if (count) { map.fitBounds(bounds, { padding: [24, 24], maxZoom: 16, animate: false }); }
        holder.setAttribute("data-loaded", String(count));
      })
      .catch(function () { say(words.failed); holder.setAttribute("data-loaded", "error"); });
  }
  say(words.loading);
  load(config.points);
})();
