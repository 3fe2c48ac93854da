/* The new-case form: identifier check characters as the user types, and the customer kind. */
"use strict";
(function () {
  var form = document.getElementById("case-form");
  if (!form) return;

  var MESSAGES = {
    empty: function () { return ""; },
    partial: function (r) { return "已输入 " + r.cleaned.length + " / 18 位"; },
    malformed: function (r, kind) {
      return kind === "citizen-id"
        ? "格式不正确：应为 17 位数字加 1 位数字或 X"
        : "格式不正确：只能是数字和大写字母（不含 I、O、S、V、Z）" + (r.bad ? "，“" + r.bad + "”不允许" : "");
    },
    valid: function () { return "✓ 校验位正确"; },
    checksum: function (r) { return "✗ 校验位不符：按前 17 位计算应为 " + r.expected + "，请核对原件"; },
  };

  function check(input) {
    var kind = input.getAttribute("data-check");
    var result = kind === "citizen-id"
      ? YekuoIds.checkCitizenId(input.value)
      : YekuoIds.checkCreditCode(input.value);
    var out = document.getElementById(input.getAttribute("aria-describedby"));
    out.textContent = MESSAGES[result.state](result, kind);
    out.className = "check " + result.state;
    input.setAttribute("aria-invalid", result.state === "malformed" || result.state === "checksum" ? "true" : "false");
  }

  function showKind() {
    var kind = form.querySelector("input[name=customer_kind]:checked").value;
    form.querySelectorAll("[data-kind]").forEach(function (el) {
      var shown = el.getAttribute("data-kind") === kind;
      el.hidden = !shown;
      el.querySelectorAll("input").forEach(function (input) { input.disabled = !shown; });
    });
  }

  form.querySelectorAll("[data-check]").forEach(function (input) {
    input.addEventListener("input", function () { check(input); });
    check(input);
  });
  form.querySelectorAll("input[name=customer_kind]").forEach(function (radio) {
    radio.addEventListener("change", showKind);
  });
  showKind();
})();
