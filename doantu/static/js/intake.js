// Progressive enhancement for the public form: everything works without this file.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  function init() {
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
  var KIND_LABEL = { image: "ảnh", video: "video", audio: "ghi âm", pdf: "tài liệu pdf" };
  var MB = 1048576;
  // The same checks and messages as the server (doantu/tips/forms.py, uploads.py), before anything is uploaded.
  // Photos are shrunk before sending (intake-send.js), so their size is checked after that, by the server.
  function fileProblems() {
    var problems = [], total = 0, list = files.files;
    if (list.length > limits.files) return ["Chỉ gửi được tối đa " + limits.files + " tệp mỗi lần (bạn đã chọn " + list.length + ")."];
    Array.prototype.forEach.call(list, function (f) {
      var k = kindOf(f), mb = f.size / MB;
      total += f.size;
      if (mb > limits.mb[k] && !(k === "image" && window.HTMLCanvasElement))
        problems.push("Tệp “" + f.name + "” (" + mb.toFixed(1) + " MB) vượt quá giới hạn " + limits.mb[k] + " MB cho " + KIND_LABEL[k] + ".");
    });
    if (total > limits.total * MB) problems.push("Tổng dung lượng các tệp (" + Math.round(total / MB) + " MB) vượt quá " + limits.total + " MB.");
    return problems;
  }
  files.addEventListener("change", function () {
    prev.textContent = "";
    Array.prototype.forEach.call(files.files, function (f) {
      if (kindOf(f) === "image") {
        var img = document.createElement("img");
        img.alt = f.name; img.src = URL.createObjectURL(f);
        prev.appendChild(img);
      } else {
        var s = document.createElement("span"); s.textContent = f.name; prev.appendChild(s);
      }
    });
    document.getElementById("files-problem").textContent = fileProblems().join(" ");
    loadSender();
  });
  // Shrinking photos and the upload with progress: loaded only once a file is chosen (not in the first load).
  function loadSender() {
    if (window.doantuSend || document.getElementById("intake-send")) return;
    var js = document.createElement("script");
    js.id = "intake-send"; js.src = form.getAttribute("data-js");
    document.head.appendChild(js);
  }

  var PHONE = /^0\d{9,10}$/;
  function phoneOk(raw) {
    var d = raw.replace(/[\s.\-()]/g, "").replace(/^\+/, "");
    if (/^84/.test(d)) d = "0" + d.slice(2);
    return PHONE.test(d);
  }
  var SHORT = { consent_processing: "Sự đồng ý để xử lý thông tin", consent_contact: "Sự đồng ý để được liên hệ",
                consent_dna: "Sự đồng ý về dữ liệu ADN", dna_offer: "Đăng ký cho mẫu ADN", files: "Tệp đính kèm" };
  function validate() {
    var e = [], v = function (n) { var el = $(n); return el ? (el.value || "").trim() : ""; };
    var on = function (n) { var el = $(n); return !!(el && el.checked); };
    if (!form.querySelector("input[name=kinds]:checked")) e.push(["kinds", "Hãy chọn ít nhất một ô: bạn muốn cho biết điều gì."]);
    var account = v("account");
    if (!account) e.push(["account", "Hãy kể vài dòng về điều bạn biết."]);
    else if (account.length < 5) e.push(["account", "Hãy kể thêm một chút (ít nhất vài từ)."]);
    if (!v("latitude") !== !v("longitude")) e.push([v("latitude") ? "longitude" : "latitude", "Cần cả vĩ độ và kinh độ (hoặc bỏ trống cả hai)."]);
    fileProblems().forEach(function (m) { e.push(["files", m]); });
    // The enlistment year of each named martyr (the server's check_enlistment_year, same words).
    Array.prototype.forEach.call(form.querySelectorAll("input[name$='-enlistment_year']"), function (el) {
      var y = el.value.trim(), born = (form.elements[el.name.replace("enlistment_year", "birth_year")] || {}).value || "";
      if (!y || el.disabled) return;
      var hi = new Date().getFullYear(), msg = "";
      if (!/^\d{4}$/.test(y)) msg = "Năm nhập ngũ phải là một năm gồm 4 chữ số, ví dụ 1968.";
      else if (+y < 1930 || +y > hi) msg = "Năm nhập ngũ phải trong khoảng 1930–" + hi + ".";
      else if (/^\d{4}$/.test(born.trim()) && +y <= +born.trim()) msg = "Năm nhập ngũ phải sau năm sinh.";
      if (msg) e.push([el.name, msg]);
    });
    if (on("dna_offer")) {
      if (!v("relationship")) e.push(["relationship", "Hãy cho biết bạn là gì của liệt sĩ."]);
      if (!on("consent_dna")) e.push(["consent_dna", "Cần đồng ý về dữ liệu ADN để đăng ký cho mẫu."]);
    }
    if (on("anonymous")) {
      if (on("dna_offer")) e.push(["dna_offer", "Để cho mẫu ADN cần để lại họ tên và số điện thoại (cơ quan lấy mẫu phải liên hệ với bạn)."]);
    } else {
      if (!v("reporter_name")) e.push(["reporter_name", "Hãy cho biết họ tên, hoặc chọn “Tôi muốn giấu tên”."]);
      if (!v("reporter_phone")) e.push(["reporter_phone", "Hãy để lại số điện thoại, hoặc chọn “Tôi muốn giấu tên”."]);
      else if (!phoneOk(v("reporter_phone"))) e.push(["reporter_phone", "Số điện thoại chưa đúng. Nhập số di động 10 chữ số (ví dụ: 0912 345 678) hoặc số cố định có mã vùng (ví dụ: 0209 3871 234); có thể bắt đầu bằng +84."]);
      if (!on("consent_contact")) e.push(["consent_contact", "Cần đồng ý để cán bộ liên hệ lại (hoặc chọn giấu tên)."]);
    }
    if (!on("consent_processing")) e.push(["consent_processing", "Cần có sự đồng ý này để tiếp nhận thông tin."]);
    return e;
  }
  // Show errors the way the server does: next to each field, and a summary at the top linking to them.
  function showErrors(errors) {
    Array.prototype.forEach.call(form.querySelectorAll("[data-client-error]"), function (n) { n.remove(); });
    Array.prototype.forEach.call(form.querySelectorAll(".has-error"), function (n) { n.classList.remove("has-error"); });
    var old = document.getElementById("form-errors");
    if (old) old.remove();
    if (!errors.length) return;
    var box = document.createElement("div");
    box.className = "notice error"; box.id = "form-errors"; box.tabIndex = -1; box.setAttribute("role", "alert");
    box.innerHTML = "<strong>Chưa gửi được.</strong> Vui lòng sửa các mục sau:<ul></ul>";
    var seen = {}, first = null;
    errors.forEach(function (pair) {
      var name = pair[0], wrap = document.getElementById("f-" + name);
      if (!wrap) return;
      wrap.classList.add("has-error");
      var ul = document.createElement("ul"), li = document.createElement("li");
      ul.className = "errorlist"; ul.setAttribute("data-client-error", "");
      li.textContent = pair[1]; ul.appendChild(li);
      var control = wrap.querySelector("input,textarea,select");
      if (wrap.classList.contains("check") || wrap.classList.contains("radios")) wrap.appendChild(ul);
      else wrap.insertBefore(ul, control);
      if (!first) first = control;
      if (seen[name]) return;
      seen[name] = 1;
      var a = document.createElement("a"), item = document.createElement("li");
      a.href = "#f-" + name;
      a.textContent = SHORT[name] || (wrap.querySelector("label") || {}).textContent || name;
      item.appendChild(a); box.querySelector("ul").appendChild(item);
    });
    form.parentNode.insertBefore(box, form);
    if (first) first.focus();
  }

  // DNA guidance by relationship, as soon as it is chosen (the same text the server shows after a submit).
  var rel = $("relationship"), guide = document.getElementById("dna-guidance");
  if (rel && guide) {
    var table = JSON.parse(guide.getAttribute("data-guidance"));
    rel.addEventListener("change", function () {
      var g = table[rel.value];
      guide.hidden = !g;
      guide.textContent = g ? g.text : "";
      guide.classList.toggle("warn", !!g && !g.maternal);
    });
  }

  // Hide what does not apply; it stays in the page for those without JavaScript.
  var anon = $("anonymous");
  var contact = document.getElementById("contact-fields");
  function syncAnon() { contact.hidden = anon.checked; }
  anon.addEventListener("change", syncAnon); syncAnon();
  var dna = $("dna_offer");
  var dnaConsent = document.getElementById("dna-consent");
  function syncDna() { dnaConsent.hidden = !dna.checked; }
  dna.addEventListener("change", syncDna); syncDna();

  // Ask only what the chosen kinds need: each part of the form says which kinds need it (KIND_SECTIONS).
  // A hidden part's fields are disabled, so nothing left in them is sent.
  var box = document.getElementById("martyrs");
  var needs = box ? JSON.parse(box.getAttribute("data-sections")) : {};
  var kindBoxes = form.querySelectorAll("input[name=kinds]");
  function syncKinds() {
    var want = {};
    Array.prototype.forEach.call(kindBoxes, function (k) { if (k.checked) (needs[k.value] || []).forEach(function (s) { want[s] = 1; }); });
    Array.prototype.forEach.call(form.querySelectorAll("fieldset[data-section]"), function (fs) {
      var on = !!want[fs.getAttribute("data-section")];
      fs.hidden = !on;
      Array.prototype.forEach.call(fs.querySelectorAll("input,select,textarea,button"), function (c) { c.disabled = !on; });
    });
  }
  Array.prototype.forEach.call(kindBoxes, function (k) { k.addEventListener("change", syncKinds); });
  syncKinds();

  // "Thêm một liệt sĩ nữa": a copy of the last block, emptied and numbered (without JavaScript the button asks
  // the server for one more block).
  var add = document.getElementById("add-martyr");
  if (add) add.addEventListener("click", function (ev) {
    ev.preventDefault();
    var blocks = form.querySelectorAll(".martyr"), last = blocks[blocks.length - 1];
    var n = blocks.length + 1, copy = last.cloneNode(true), from = "m" + (n - 1) + "-", to = "m" + n + "-";
    copy.id = "martyr-" + n;
    copy.querySelector(".n").textContent = n;
    Array.prototype.forEach.call(copy.querySelectorAll("[data-client-error],.errorlist"), function (x) { x.remove(); });
    Array.prototype.forEach.call(copy.querySelectorAll(".has-error"), function (x) { x.classList.remove("has-error"); });
    Array.prototype.forEach.call(copy.querySelectorAll("[id],[for],[name],[aria-describedby]"), function (x) {
      ["id", "for", "name", "aria-describedby"].forEach(function (a) {
        var v = x.getAttribute(a);
        if (v) x.setAttribute(a, v.split(from).join(to));
      });
      if (x.tagName === "INPUT") { x.value = ""; x.removeAttribute("autofocus"); }
    });
    copy.querySelector("details").open = false;
    last.parentNode.insertBefore(copy, last.nextSibling);
    form.elements.martyr_count.value = n;
    if (n >= 10) add.hidden = true;
    copy.querySelector("input").focus();
  });

  // Checked here first, so that nothing is uploaded over a slow line only to come back with an error.
  // One tap sends once; the server also recognises a retry by its submission key.
  form.addEventListener("submit", function (ev) {
    var errors = validate();
    showErrors(errors);
    if (errors.length) { ev.preventDefault(); return; }
    if (files.files.length && window.doantuSend) { ev.preventDefault(); window.doantuSend(form, init); return; }
    var b = document.getElementById("submit-btn");
    setTimeout(function () { b.disabled = true; b.textContent = "Đang gửi…"; }, 0);
  });
  }
  init();
})();
