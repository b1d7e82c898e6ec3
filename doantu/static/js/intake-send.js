// Loaded by intake.js once a file is chosen (not part of the form's first load). Shrinks photos on the phone
// and sends the form with a progress bar; without this file (or without JavaScript) the form posts as usual.
//
// Photos: longest side at most 1600 px, JPEG quality 0.8. A 4000×3000 phone photo of an A4 document becomes
// 1600×1200: about 140 dots per inch across the page, enough for handwriting and 10-point print to stay
// readable, and typically 200–400 KB instead of 2–5 MB (about 10 times less to send on a slow line). Quality 0.8
// keeps letter edges clean; below 0.7 JPEG blocks start to blur thin strokes. Photos already smaller than
// that, and anything the browser cannot draw, are sent as they are. Drawing on a canvas also drops the photo's
// EXIF (the place it was taken); the server cleans every image again anyway.
(function () {
  "use strict";
  var MAX_SIDE = 1600, QUALITY = 0.8, KEEP_BELOW = 400 * 1024;

  function shrink(file) {
    return new Promise(function (resolve) {
      if (!/^image\/(jpeg|png|webp)$/.test(file.type) || !window.createImageBitmap) return resolve(file);
      createImageBitmap(file).then(function (bmp) {
        var scale = Math.min(1, MAX_SIDE / Math.max(bmp.width, bmp.height));
        if (scale === 1 && file.size <= KEEP_BELOW) return resolve(file);
        var c = document.createElement("canvas");
        c.width = Math.round(bmp.width * scale); c.height = Math.round(bmp.height * scale);
        var ctx = c.getContext("2d");
        ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, c.width, c.height); // transparent PNG → white paper
        ctx.drawImage(bmp, 0, 0, c.width, c.height);
        c.toBlob(function (blob) {
          if (!blob || blob.size >= file.size) return resolve(file);
          resolve(new File([blob], file.name.replace(/\.[^.]*$/, "") + ".jpg", { type: "image/jpeg" }));
        }, "image/jpeg", QUALITY);
      }, function () { resolve(file); });
    });
  }

  function kb(n) { return Math.round(n / 1024) + " KB"; }

  window.doantuSend = function (form, init) {
    var btn = document.getElementById("submit-btn");
    var box = document.getElementById("upload-progress");
    if (!box) {
      box = document.createElement("div");
      box.id = "upload-progress"; box.className = "upload-progress";
      box.innerHTML = '<progress max="100" value="0"></progress><span aria-live="polite"></span>';
      btn.parentNode.insertBefore(box, btn.nextSibling);
    }
    var bar = box.querySelector("progress"), say = box.querySelector("span");
    btn.disabled = true; btn.textContent = "Đang gửi…";
    say.textContent = "Đang thu nhỏ ảnh…";
    var chosen = Array.prototype.slice.call(form.elements.files.files);
    Promise.all(chosen.map(shrink)).then(function (list) {
      var data = new FormData(form);
      data.delete("files");
      list.forEach(function (f) { data.append("files", f, f.name); });
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.upload.onprogress = function (e) {
        if (!e.lengthComputable) return;
        bar.value = Math.round((e.loaded / e.total) * 100);
        say.textContent = "Đang gửi: " + bar.value + "% (" + kb(e.loaded) + " / " + kb(e.total) + ")";
      };
      xhr.onload = function () {
        if (xhr.responseURL && xhr.responseURL.split("#")[0] !== form.action) {
          window.location.assign(xhr.responseURL); // the receipt (the server redirected after saving)
          return;
        }
        // Sent back with an error: show the server's page in place. The files it received are held for the
        // retry (listed in the new form), so nothing has to be chosen again.
        var doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
        var main = doc.querySelector("main");
        if (main) document.querySelector("main").innerHTML = main.innerHTML;
        init();
      };
      xhr.onerror = function () {
        btn.disabled = false; btn.textContent = "Gửi thông tin";
        say.textContent = "Mất kết nối, chưa gửi được. Bấm “Gửi thông tin” để thử lại.";
      };
      xhr.send(data);
    });
  };
})();
