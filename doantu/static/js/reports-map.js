// The ward's map (reports): tips and graves, exact points or coarse cells, from the page's JSON (reports.maps); the
// ward's approximate outline when known. Tiles only when configured, otherwise everything on a plain background.
(function () {
  "use strict";
  var el = document.getElementById("ward-map");
  var data = document.getElementById("map-data");
  if (!el || !data || !window.L) return;
  var d = JSON.parse(data.textContent);
  var graves = d.graves || { points: [], cells: [] };
  var map = L.map(el, { attributionControl: true, zoomSnap: 0.25 });
  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution || "" }).addTo(map);
  }
  var bounds = [];
  function link(p) {
    var a = document.createElement("a");
    a.href = p.url; a.textContent = p.label + (p.status ? " · " + p.status : "");
    return a;
  }
  function cells(list, color, unit) {
    list.forEach(function (c) {
      L.circle([c.lat, c.lng], { radius: c.size_m / 2, color: color, weight: 1, fillOpacity: 0.25 }).addTo(map)
        .bindTooltip(String(c.count) + " " + unit, { permanent: true, direction: "center", className: "cell-count" });
      bounds.push([c.lat, c.lng]);
    });
  }
  if (d.outline) {
    // the ward's area in white on the plain background; the label on its northern edge, away from the points
    L.polygon(d.outline.points, {
      color: "#555", weight: 2, dashArray: "6 6", fillColor: "#fff", fillOpacity: 0.7, interactive: false
    }).addTo(map);
    var box = L.latLngBounds(d.outline.points);
    var north = [box.getNorth(), box.getCenter().lng];  // the middle of the northern edge, clear of the zoom buttons
    L.tooltip({ permanent: true, direction: "top", className: "outline-label" })
      .setLatLng(north).setContent("Ranh giới gần đúng").addTo(map);
    d.outline.points.forEach(function (p) { bounds.push(p); });
  }
  d.points.forEach(function (p) {
    L.circleMarker([p.lat, p.lng], { radius: 7, color: "#8b1a1a", weight: 2, fillOpacity: 0.5 }).addTo(map).bindPopup(link(p));
    bounds.push([p.lat, p.lng]);
  });
  graves.points.forEach(function (p) {
    // a diamond, so a grave is told from a tip without colour
    var icon = L.divIcon({ className: "", html: '<span class="grave-marker"></span>', iconSize: [14, 14] });
    L.marker([p.lat, p.lng], { icon: icon, keyboard: true, title: p.label }).addTo(map).bindPopup(link(p));
    bounds.push([p.lat, p.lng]);
  });
  cells(d.cells, "#8b1a1a", "tin");
  cells(graves.cells, "#1d5e2c", "mộ");
  if (d.centre) {
    L.circleMarker(d.centre, { radius: 4, color: "#333", weight: 1, fillOpacity: 1 }).addTo(map).bindTooltip("Trung tâm phường");
    bounds.push(d.centre);
  }
  if (bounds.length > 1) {
    map.fitBounds(bounds, { padding: [20, 20], maxZoom: 16 });
    if (!d.outline) {  // no outline data: a frame around what is drawn, labelled as such on the page
      L.rectangle(L.latLngBounds(bounds).pad(0.15), { color: "#999", weight: 1, fill: false, dashArray: "4 4" }).addTo(map);
    }
  } else if (bounds.length === 1) {
    map.setView(bounds[0], 14);
  } else {
    map.setView([21.0, 105.8], 6);
  }
  el.dataset.ready = String(d.points.length + d.cells.length + graves.points.length + graves.cells.length);
})();
