// Progressive enhancement for the public form: everything works without this file.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var form = document.getElementById("tip-form");
  if (!form) return;
  var summary = document.getElementById("form-errors");
  if (summary) summary.focus();
  var $ = function (name) { return form.elements[name]; };

  // The phone's location, only when the person asks for it.
  var btn = document.getElementById("use-location");
  var out = document.getElementById("loc-status");
  if (btn && navigator.geolocation) {
    btn.addEventListener("click", function () {
      out.textContent = "Đang lấy vị trí…";
      navigator.geolocation.getCurrentPosition(function (p) {
        $("latitude").value = p.coords.latitude.toFixed(6);
        $("longitude").value = p.coords.longitude.toFixed(6);
        $("location_accuracy_m").value = Math.round(p.coords.accuracy);
        $("location_source").value = "gps";
        out.textContent = "Đã lấy vị trí (sai số khoảng " + Math.round(p.coords.accuracy) + " m).";
      }, function (e) {
        out.textContent = e.code === 1 ? "Bạn chưa cho phép lấy vị trí. Có thể nhập tọa độ hoặc mô tả địa điểm."
                                       : "Không lấy được vị trí. Có thể nhập tọa độ hoặc mô tả địa điểm.";
      }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 });
    });
  } else if (btn) { btn.hidden = true; }
  // A map to pick the point on, loaded only when asked for (Leaflet is larger than the whole form).
  var pick = document.getElementById("pick-on-map");
  if (pick) {
    pick.addEventListener("click", function () {
      var box = document.getElementById("pick-map");
      box.hidden = false;
      if (window.L) return;
      var css = document.createElement("link");
      css.rel = "stylesheet"; css.href = pick.dataset.css;
      document.head.appendChild(css);
      var js = document.createElement("script");
      js.src = pick.dataset.js;
      js.onload = function () {
        var c = pick.dataset.center.split(",").map(parseFloat);
        var lat = parseFloat($("latitude").value), lng = parseFloat($("longitude").value);
        var start = isNaN(lat) || isNaN(lng) ? c : [lat, lng];
        var map = L.map(box).setView(start, isNaN(lat) ? 14 : 16);
        L.tileLayer(pick.dataset.tiles, { maxZoom: 19, attribution: pick.dataset.attribution }).addTo(map);
        var marker = null;
        map.on("click", function (e) {
          if (marker) marker.setLatLng(e.latlng); else marker = L.marker(e.latlng).addTo(map);
          $("latitude").value = e.latlng.lat.toFixed(6);
          $("longitude").value = e.latlng.lng.toFixed(6);
          $("location_accuracy_m").value = "";
          $("location_source").value = "map";
          out.textContent = "Đã chọn điểm trên bản đồ.";
        });
        out.textContent = "Chạm vào bản đồ để chọn địa điểm.";
      };
      document.head.appendChild(js);
    });
  }
  ["latitude", "longitude"].forEach(function (n) {
    $(n).addEventListener("input", function () { $("location_source").value = "typed"; $("location_accuracy_m").value = ""; });
  });

  // Check files before sending them over a slow connection, and show what was chosen.
  var files = $("files");
  var prev = document.getElementById("previews");
  var limits = JSON.parse(form.getAttribute("data-limits"));
  function kindOf(f) {
    var t = f.type || "";
    if (t.indexOf("image/") === 0) return "image";
    if (t.indexOf("video/") === 0) return "video";
    if (t.indexOf("audio/") === 0) return "audio";
    return "pdf";
  }
  files.addEventListener("change", function () {
    prev.textContent = "";
    var problems = [];
    var total = 0;
    if (files.files.length > limits.files) problems.push("Chỉ gửi được tối đa " + limits.files + " tệp.");
    Array.prototype.forEach.call(files.files, function (f) {
      total += f.size;
      var k = kindOf(f), mb = f.size / 1048576;
      if (mb > limits.mb[k]) problems.push("“" + f.name + "” (" + mb.toFixed(1) + " MB) vượt giới hạn " + limits.mb[k] + " MB.");
      if (k === "image") {
        var img = document.createElement("img");
        img.alt = f.name; img.src = URL.createObjectURL(f);
        prev.appendChild(img);
      } else {
        var s = document.createElement("span"); s.textContent = f.name; prev.appendChild(s);
      }
    });
    if (total > limits.total * 1048576) problems.push("Tổng dung lượng vượt quá " + limits.total + " MB.");
    files.setCustomValidity(problems.join(" "));
    var msg = document.getElementById("files-problem");
    msg.textContent = problems.join(" ");
  });

  // Hide what does not apply; it stays in the page for those without JavaScript.
  var anon = $("anonymous");
  var contact = document.getElementById("contact-fields");
  function syncAnon() { contact.hidden = anon.checked; }
  anon.addEventListener("change", syncAnon); syncAnon();
  var dna = $("dna_offer");
  var dnaConsent = document.getElementById("dna-consent");
  function syncDna() { dnaConsent.hidden = !dna.checked; }
  dna.addEventListener("change", syncDna); syncDna();

  // One tap sends once; the server also recognises a retry by its submission key.
  form.addEventListener("submit", function (ev) {
    if (files.validationMessage) { ev.preventDefault(); files.focus(); return; }
    var b = document.getElementById("submit-btn");
    setTimeout(function () { b.disabled = true; b.textContent = "Đang gửi…"; }, 0);
  });
})();
