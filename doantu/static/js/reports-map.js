// The ward's map (reports): exact points or coarse cells from the page's JSON; tiles only when configured, otherwise
// the points on a plain background framed by the ward's centre and the points themselves.
(function () {
  "use strict";
  var el = document.getElementById("ward-map");
  var data = document.getElementById("map-data");
  if (!el || !data || !window.L) return;
  var d = JSON.parse(data.textContent);
  var map = L.map(el, { attributionControl: true });
  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution || "" }).addTo(map);
  }
  var bounds = [];
  d.points.forEach(function (p) {
    var m = L.circleMarker([p.lat, p.lng], { radius: 7, color: "#8b1a1a", weight: 2, fillOpacity: 0.5 }).addTo(map);
    var a = document.createElement("a");
    a.href = p.url; a.textContent = p.label;
    m.bindPopup(a);
    bounds.push([p.lat, p.lng]);
  });
  d.cells.forEach(function (c) {
    L.circle([c.lat, c.lng], { radius: c.size_m / 2, color: "#1a3e8b", weight: 1, fillOpacity: 0.25 }).addTo(map)
      .bindTooltip(String(c.count) + " tin", { permanent: true, direction: "center", className: "cell-count" });
    bounds.push([c.lat, c.lng]);
  });
  if (d.centre) {
    L.circleMarker(d.centre, { radius: 4, color: "#333", weight: 1, fillOpacity: 1 }).addTo(map).bindTooltip("Trung tâm phường");
    bounds.push(d.centre);
  }
  if (bounds.length > 1) {
    map.fitBounds(bounds, { padding: [30, 30], maxZoom: 16 });
    L.rectangle(L.latLngBounds(bounds).pad(0.15), { color: "#999", weight: 1, fill: false, dashArray: "4 4" }).addTo(map);
  } else if (bounds.length === 1) {
    map.setView(bounds[0], 14);
  } else {
    map.setView([21.0, 105.8], 6);
  }
  el.dataset.ready = String(d.points.length + d.cells.length);
})();
