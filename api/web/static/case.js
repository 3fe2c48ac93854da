/* The case page: drop many scans at once, each uploaded with its own progress bar, then the
 * intake status of every document not yet final polled until it is done or failed. */
"use strict";
(function () {
  var csrf = document.getElementById("main").getAttribute("data-csrf");
  var table = document.getElementById("documents");
  var zone = document.getElementById("dropzone");
  var list = document.getElementById("uploads");
  var POLL_MS = 1500;
  var PARALLEL = 3;
  var queue = [];
  var running = 0;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function slot(root, name) { return root.querySelector("[data-slot=" + name + "]"); }

  function show(root, info) {
    var status = slot(root, "status");
    if (status) {
      var reason = [info.error_label, info.error].filter(Boolean).join("：");
      status.textContent = info.status_label + (info.status === "failed" && reason ? "：" + reason : "");
      status.className = "status " + info.status;
    }
    var type = slot(root, "doc_type");
    if (type) type.textContent = info.doc_type_label || "—";
    var confidence = slot(root, "confidence");
    if (confidence) {
      confidence.textContent = info.confidence === null ? "—" : Math.round(info.confidence * 100) + "%";
    }
  }

  function targets(documentId) {
    return document.querySelectorAll("[data-document-id='" + documentId + "']");
  }

  /* A document finished intake after the checklist was drawn: offer to draw it again. */
  function reviewChanged() {
    var stale = document.getElementById("review-stale");
    if (stale) stale.hidden = false;
  }

  function poll(documentId) {
    var xhr = new XMLHttpRequest();
    xhr.open("GET", "/documents/" + encodeURIComponent(documentId) + "/status");
    xhr.responseType = "json";
    xhr.onload = function () {
      if (xhr.status !== 200 || !xhr.response) {
        setTimeout(function () { poll(documentId); }, POLL_MS * 4);
        return;
      }
      targets(documentId).forEach(function (node) { show(node, xhr.response); });
      if (!xhr.response.final) setTimeout(function () { poll(documentId); }, POLL_MS);
      else reviewChanged();
    };
    xhr.onerror = function () { setTimeout(function () { poll(documentId); }, POLL_MS * 4); };
    xhr.send();
  }

  function tableRow(documentId, filename) {
    if (!table || table.querySelector("tr[data-document-id='" + documentId + "']")) return;
    var none = table.querySelector("tr.none");
    if (none) none.remove();
    var row = el("tr");
    row.setAttribute("data-document-id", documentId);
    var link = el("a", null, filename);
    link.href = "/documents/" + encodeURIComponent(documentId);
    var name = el("td");
    name.appendChild(link);
    row.appendChild(name);
    var type = el("td", null, "—"); type.setAttribute("data-slot", "doc_type"); row.appendChild(type);
    var conf = el("td", "num", "—"); conf.setAttribute("data-slot", "confidence"); row.appendChild(conf);
    var state = el("td"); var badge = el("span", "status queued", "排队中");
    badge.setAttribute("data-slot", "status"); state.appendChild(badge); row.appendChild(state);
    row.appendChild(el("td", null, "刚刚"));
    table.querySelector("tbody").appendChild(row);
    var count = document.getElementById("document-count");
    if (count) count.textContent = String(table.querySelectorAll("tbody tr[data-document-id]").length);
  }

  function uploadItem(file) {
    var item = el("li", "upload");
    var name = el("span", "name", file.name);
    var bar = el("progress");
    bar.max = 100; bar.value = 0;
    bar.setAttribute("aria-label", "上传进度：" + file.name);
    var status = el("span", "status queued", "等待上传");
    status.setAttribute("data-slot", "status");
    item.appendChild(name); item.appendChild(bar); item.appendChild(status);
    list.appendChild(item);
    return { item: item, bar: bar, status: status };
  }

  function failed(ui, message) {
    ui.status.textContent = "上传失败：" + message;
    ui.status.className = "status failed";
  }

  function send(job) {
    running += 1;
    var ui = job.ui;
    var form = new FormData();
    form.append("file", job.file, job.file.name);
    var hint = document.getElementById("doc_type_hint");
    if (hint && hint.value) form.append("doc_type", hint.value);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", "/cases/" + encodeURIComponent(zone.getAttribute("data-case-no")) + "/upload");
    xhr.setRequestHeader("X-CSRF-Token", csrf);
    xhr.responseType = "json";
    ui.status.textContent = "上传中";
    xhr.upload.onprogress = function (event) {
      if (event.lengthComputable) ui.bar.value = Math.round((event.loaded / event.total) * 100);
    };
    xhr.onload = function () {
      var body = xhr.response || {};
      if (xhr.status === 200 || xhr.status === 202) {
        ui.bar.value = 100;
        ui.item.setAttribute("data-document-id", body.document_id);
        tableRow(body.document_id, job.file.name);
        ui.status.textContent = xhr.status === 200 ? "已存在（相同文件已在本案件中）" : "已上传，排队中";
        poll(body.document_id);
      } else {
        failed(ui, body.message || ("HTTP " + xhr.status));
      }
    };
    xhr.onerror = function () { failed(ui, "网络错误，请重试"); };
    xhr.onloadend = function () { running -= 1; next(); };
    xhr.send(form);
  }

  function next() {
    while (running < PARALLEL && queue.length) send(queue.shift());
  }

  function add(files) {
    Array.prototype.forEach.call(files, function (file) {
      queue.push({ file: file, ui: uploadItem(file) });
    });
    next();
  }

  if (zone) {
    var input = document.getElementById("files");
    input.addEventListener("change", function () { add(input.files); input.value = ""; });
    ["dragenter", "dragover"].forEach(function (type) {
      zone.addEventListener(type, function (event) { event.preventDefault(); zone.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (type) {
      zone.addEventListener(type, function () { zone.classList.remove("over"); });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      if (event.dataTransfer && event.dataTransfer.files.length) add(event.dataTransfer.files);
    });
  }

  if (table) {
    table.querySelectorAll("tr[data-final=false]").forEach(function (row) {
      poll(row.getAttribute("data-document-id"));
    });
  }
})();
