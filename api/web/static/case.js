/* The case page: drop many scans or a folder at once, choose each one's type (default: auto),
 * upload them a few at a time, each with its own progress bar, and end with a summary of what
 * was accepted, what was already there and what was refused (and why); then the intake status
 * of every document not yet final is polled until it is done or failed. */
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

  /* Why the server refused a file, in Chinese, by the stable code of its answer. */
  var REFUSALS = {
    unsupported_media_type: "不支持的格式：只接受 PDF、JPEG、PNG、TIFF",
    upload_too_large: "文件超过上传大小限制",
    empty_upload: "文件是空的",
    bad_upload: "上传内容不完整，请重试",
    invalid: "上传内容不符合要求",
    case_archived: "案件已归档，只读：不能再上传",
    forbidden: "无权上传到本案件",
    not_found: "案件不存在或不在本单位",
    unauthenticated: "登录已过期，请重新登录后再上传",
    object_store_unavailable: "存储服务暂不可用，请稍后重试",
    database_unavailable: "数据库暂不可用，请稍后重试",
    queue_unavailable: "识别队列暂不可用，请稍后重试"
  };
  var staged = [];
  var stagedSkipped = 0;
  var added = 0;  /* numbers the files in the order they came, for the summary */
  var batch = null;

  function displayName(file) { return file.webkitRelativePath || file.name; }

  function uploadItem(file) {
    var item = el("li", "upload");
    var name = el("span", "name", displayName(file));
    name.title = displayName(file);
    var template = document.getElementById("hint-template");
    var hint = template.content.querySelector("select").cloneNode(true);
    hint.setAttribute("aria-label", "资料类型：" + file.name);
    var bar = el("progress");
    bar.max = 100; bar.value = 0;
    bar.setAttribute("aria-label", "上传进度：" + file.name);
    var status = el("span", "status queued", "待上传");
    status.setAttribute("data-slot", "status");
    var outcome = el("span", "outcome");
    item.appendChild(name); item.appendChild(hint); item.appendChild(bar);
    item.appendChild(status); item.appendChild(outcome);
    list.appendChild(item);
    return { item: item, hint: hint, bar: bar, status: status, outcome: outcome };
  }

  function settle(job, kind, text) {
    job.ui.item.classList.add(kind);
    job.ui.outcome.textContent = text;
    batch[kind].push(job);
  }

  function refused(job, reason) {
    job.ui.status.textContent = "未接受";
    job.ui.status.className = "status failed";
    settle(job, "refused", reason);
  }

  function accepted(job, xhr) {
    var body = xhr.response || {};
    job.ui.bar.value = 100;
    if (xhr.status === 200) {
      /* Already on the case: this row keeps saying so; only the table row follows intake. */
      job.ui.status.textContent = "重复";
      job.ui.status.className = "status duplicate";
      settle(job, "duplicate", "本案件已有相同的文件，未重复保存");
      return;
    }
    job.ui.item.setAttribute("data-document-id", body.document_id);
    tableRow(body.document_id, job.file.name);
    job.ui.status.textContent = "已上传，排队中";
    settle(job, "accepted", "");
    poll(body.document_id);
  }

  function send(job) {
    running += 1;
    var ui = job.ui;
    var form = new FormData();
    form.append("file", job.file, job.file.name);
    if (ui.hint.value) form.append("doc_type", ui.hint.value);
    ui.hint.disabled = true;
    var xhr = new XMLHttpRequest();
    xhr.open("POST", "/cases/" + encodeURIComponent(zone.getAttribute("data-case-no")) + "/upload");
    xhr.setRequestHeader("X-CSRF-Token", csrf);
    xhr.responseType = "json";
    ui.status.textContent = "上传中";
    xhr.upload.onprogress = function (event) {
      if (event.lengthComputable) ui.bar.value = Math.round((event.loaded / event.total) * 100);
    };
    xhr.onload = function () {
      if (xhr.status === 200 || xhr.status === 202) {
        accepted(job, xhr);
      } else {
        var code = (xhr.response || {}).code;
        refused(job, REFUSALS[code] || "上传失败，请稍后重试");
      }
    };
    xhr.onerror = function () { refused(job, "网络错误，请重试"); };
    xhr.onloadend = function () { running -= 1; next(); };
    xhr.send(form);
  }

  function summarise() {
    var box = document.getElementById("upload-summary");
    box.textContent = "";
    var line = "本批共 " + batch.total + " 份：已上传 " + batch.accepted.length + " 份，重复 " +
      batch.duplicate.length + " 份，未接受 " + batch.refused.length + " 份" +
      (batch.skipped ? "（另跳过隐藏文件 " + batch.skipped + " 个）" : "") + "。";
    box.appendChild(el("p", "summary-line", line));
    [["duplicate", "重复（本案件已有相同文件）："], ["refused", "未接受："]].forEach(function (group) {
      var jobs = batch[group[0]].slice().sort(function (a, b) { return a.order - b.order; });
      if (!jobs.length) return;
      box.appendChild(el("p", "summary-head", group[1]));
      var items = el("ul", "summary-" + group[0]);
      jobs.forEach(function (job) {
        var text = displayName(job.file) + (group[0] === "refused" ? "：" + job.ui.outcome.textContent : "");
        items.appendChild(el("li", null, text));
      });
      box.appendChild(items);
    });
    box.className = "upload-summary " + (batch.refused.length ? "problem" : "ok");
    box.hidden = false;
    batch = null;
  }

  function next() {
    while (running < PARALLEL && queue.length) send(queue.shift());
    if (batch && running === 0 && !queue.length) summarise();
  }

  function showControls() {
    var controls = document.getElementById("batch");
    var start = document.getElementById("upload-start");
    controls.hidden = staged.length === 0;
    start.textContent = "开始上传（" + staged.length + " 份）";
  }

  function add(files) {
    var skipped = 0;
    Array.prototype.forEach.call(files, function (file) {
      if (file.name.charAt(0) === ".") { skipped += 1; return; }  /* .DS_Store and the like */
      staged.push({ file: file, ui: uploadItem(file), order: ++added });
    });
    stagedSkipped += skipped;
    showControls();
  }

  function start() {
    if (!staged.length) return;
    if (!batch) batch = { total: 0, accepted: [], duplicate: [], refused: [], skipped: 0 };
    batch.total += staged.length;
    batch.skipped += stagedSkipped;
    stagedSkipped = 0;
    document.getElementById("upload-summary").hidden = true;
    staged.forEach(function (job) { queue.push(job); });
    staged = [];
    showControls();
    next();
  }

  function clearStaged() {
    staged.forEach(function (job) { job.ui.item.remove(); });
    staged = [];
    stagedSkipped = 0;
    showControls();
  }

  /* The files of a dropped folder (and its sub-folders), read through the entries API. */
  function readEntry(entry, done) {
    if (entry.isFile) {
      entry.file(function (file) {
        var path = entry.fullPath.replace(/^\//, "");
        try { Object.defineProperty(file, "webkitRelativePath", { value: path }); } catch (e) { /* keep the name */ }
        done([file]);
      }, function () { done([]); });
      return;
    }
    var reader = entry.createReader();
    var found = [];
    (function more() {
      reader.readEntries(function (entries) {
        if (!entries.length) {
          var all = [];
          var left = found.length;
          if (!left) { done([]); return; }
          found.forEach(function (child) {
            readEntry(child, function (files) {
              all = all.concat(files);
              left -= 1;
              if (!left) done(all);
            });
          });
          return;
        }
        found = found.concat(Array.prototype.slice.call(entries));
        more();
      }, function () { done([]); });
    })();
  }

  function dropped(transfer) {
    var entries = Array.prototype.map.call(transfer.items || [], function (item) {
      return item.webkitGetAsEntry ? item.webkitGetAsEntry() : null;
    });
    if (!entries.some(function (entry) { return entry && entry.isDirectory; })) {
      add(transfer.files);
      return;
    }
    var all = [];
    var left = entries.length;
    entries.forEach(function (entry) {
      if (!entry) { left -= 1; return; }
      readEntry(entry, function (files) {
        all = all.concat(files);
        left -= 1;
        if (!left) add(all);
      });
    });
  }

  if (zone) {
    ["files", "folder"].forEach(function (id) {
      var input = document.getElementById(id);
      input.addEventListener("change", function () { add(input.files); input.value = ""; });
    });
    document.getElementById("upload-start").addEventListener("click", start);
    document.getElementById("upload-clear").addEventListener("click", clearStaged);
    ["dragenter", "dragover"].forEach(function (type) {
      zone.addEventListener(type, function (event) { event.preventDefault(); zone.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (type) {
      zone.addEventListener(type, function () { zone.classList.remove("over"); });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      if (event.dataTransfer) dropped(event.dataTransfer);
    });
  }

  if (table) {
    table.querySelectorAll("tr[data-final=false]").forEach(function (row) {
      poll(row.getAttribute("data-document-id"));
    });
  }
})();
