// Staff pages: the tip's map (Leaflet, tiles from settings; none configured means no network at all).
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el || !window.L) return;
  var lat = parseFloat(el.dataset.lat), lng = parseFloat(el.dataset.lng);
  var map = L.map(el, { attributionControl: true }).setView([lat, lng], el.dataset.tiles ? 15 : 13);
  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution || "" }).addTo(map);
  }
  L.circleMarker([lat, lng], { radius: 9, color: "#a3161c", weight: 3, fillOpacity: 0.4 }).addTo(map)
    .bindPopup(el.dataset.label || "");
  var acc = parseFloat(el.dataset.accuracy);
  if (acc > 0) L.circle([lat, lng], { radius: acc, color: "#c9a227", weight: 1, fillOpacity: 0.1 }).addTo(map);
})();
