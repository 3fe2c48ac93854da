/* The document page's review: the fields and OCR text tabs, a field's box drawn on the scan
   when it is selected, a correction asking for its reason, 全部确认, and the shortcuts. */
"use strict";
(function () {
  var tablist = document.querySelector(".review .tabs");
  if (tablist) {
    var tabs = Array.prototype.slice.call(tablist.querySelectorAll("[role=tab]"));
    var show = function (chosen) {
      tabs.forEach(function (tab) {
        var on = tab === chosen;
        tab.setAttribute("aria-selected", on ? "true" : "false");
        tab.tabIndex = on ? 0 : -1;
        document.getElementById(tab.getAttribute("aria-controls")).hidden = !on;
      });
    };
    tabs.forEach(function (tab) {
      tab.addEventListener("click", function () { show(tab); });
    });
    tablist.hidden = false;
    tablist.parentNode.classList.add("tabbed");
    show(tabs[0]);
  }
})();
(function () {
  var pages = document.getElementById("pages");
  var rows = Array.prototype.slice.call(document.querySelectorAll(".field-row"));
  var marker = document.createElement("div");
  marker.className = "field-box";
  marker.setAttribute("aria-hidden", "true");
  function select(row) {
    rows.forEach(function (other) { other.classList.toggle("selected", other === row); });
    var box = (row.getAttribute("data-box") || "").split(" ").map(Number);
    var page = pages && pages.querySelector('.page[data-page="' + row.getAttribute("data-page") + '"]');
    if (!page || box.length !== 4 || box.some(isNaN)) {
      if (marker.parentNode) marker.parentNode.removeChild(marker);
      return;
    }
    // Percentages of the page: the box follows the image through every zoom.
    marker.style.left = box[0] + "%";
    marker.style.top = box[1] + "%";
    marker.style.width = box[2] + "%";
    marker.style.height = box[3] + "%";
    marker.setAttribute("data-field", row.getAttribute("data-field"));
    page.appendChild(marker);
    var view = pages.getBoundingClientRect();
    var at = marker.getBoundingClientRect();
    if (at.top < view.top || at.bottom > view.bottom || at.left < view.left || at.right > view.right) {
      pages.scrollTop += at.top - view.top - view.height / 3;
      pages.scrollLeft += at.left - view.left - view.width / 4;
    }
  }
  rows.forEach(function (row) {
    row.addEventListener("focusin", function () { select(row); });
    row.addEventListener("click", function () { select(row); });
  });
})();
(function () {
  var form = document.getElementById("field-review");
  if (!form) return;
  form.classList.add("scripted");
  function changed(input) {
    var row = input.closest(".field-row");
    var differs = input.value.trim() !== input.getAttribute("data-initial").trim();
    row.classList.toggle("changed", differs);
    row.querySelector("[name=reason]").required = differs;
  }
  form.querySelectorAll(".field-value").forEach(function (input) {
    input.addEventListener("input", function () { changed(input); });
    changed(input);
  });
  var all = document.getElementById("confirm-all");
  all.hidden = false;
  all.addEventListener("click", function () {
    form.querySelectorAll("[name=confirm]").forEach(function (box) { box.checked = true; });
  });
})();
(function () {
  var form = document.getElementById("field-review");
  function go(id) {
    var link = document.getElementById(id);
    if (link) window.location.href = link.href;
    return Boolean(link);
  }
  document.addEventListener("keydown", function (event) {
    var typing = /^(INPUT|TEXTAREA|SELECT)$/.test(event.target.tagName) || event.target.isContentEditable;
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter" && form) {
      event.preventDefault();
      form.requestSubmit();
    } else if (event.altKey && !event.ctrlKey && (event.key === "ArrowLeft" || event.key === "ArrowRight")) {
      if (go(event.key === "ArrowLeft" ? "previous-document" : "next-document")) event.preventDefault();
    } else if (!typing && !event.altKey && !event.ctrlKey && !event.metaKey && (event.key === "j" || event.key === "k")) {
      go(event.key === "j" ? "next-document" : "previous-document");
    }
  });
})();
