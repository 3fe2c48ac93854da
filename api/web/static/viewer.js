/* The document page: zoom of the page images; reloaded once intake has finished with it. */
"use strict";
(function () {
  var status = document.getElementById("document-status");
  function poll() {
    var xhr = new XMLHttpRequest();
    xhr.open("GET", "/documents/" + encodeURIComponent(status.getAttribute("data-document-id")) + "/status");
    xhr.responseType = "json";
    xhr.onload = function () {
      if (xhr.status === 200 && xhr.response && xhr.response.final) window.location.reload();
      else setTimeout(poll, 2000);
    };
    xhr.onerror = function () { setTimeout(poll, 6000); };
    xhr.send();
  }
  if (status && status.getAttribute("data-final") === "false") setTimeout(poll, 2000);
})();
(function () {
  var pages = document.getElementById("pages");
  var level = document.getElementById("zoom-level");
  if (!pages || !level) return;
  var zoom = 1;
  function apply() {
    pages.style.setProperty("--zoom", String(zoom));
    pages.classList.toggle("zoomed", zoom !== 1);
    level.textContent = Math.round(zoom * 100) + "%";
  }
  document.querySelectorAll("[data-zoom]").forEach(function (button) {
    button.addEventListener("click", function () {
      var step = Number(button.getAttribute("data-zoom"));
      zoom = step === 0 ? 1 : Math.min(4, Math.max(0.25, zoom * (step > 0 ? 1.25 : 0.8)));
      apply();
    });
  });
  apply();
})();
