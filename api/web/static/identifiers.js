/* Check characters of Chinese identifiers, as in intake/_identifiers.py.
 * 公民身份号码 (GB 11643): ISO 7064 MOD 11-2. 统一社会信用代码 (GB 32100): MOD 31.
 * tests/browser/test_identifiers_js.py checks that both agree. */
"use strict";
var YekuoIds = (function () {
  var ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  var ID_CHECK = "10X98765432";
  var CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  var CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

  /* Full-width to half-width, spaces and hyphens removed, upper case (clean_identifier). */
  function clean(value) {
    return value.normalize("NFKC").replace(/[\s-]/g, "").toUpperCase();
  }

  function citizenIdCheckChar(first17) {
    var total = 0;
    for (var i = 0; i < 17; i++) total += Number(first17[i]) * ID_WEIGHTS[i];
    return ID_CHECK[total % 11];
  }

  function creditCodeCheckChar(first17) {
    var total = 0;
    for (var i = 0; i < 17; i++) total += CREDIT_ALPHABET.indexOf(first17[i]) * CREDIT_WEIGHTS[i];
    return CREDIT_ALPHABET[(31 - (total % 31)) % 31];
  }

  /* {state: empty|partial|malformed|valid|checksum, expected?, cleaned} for a typed value. */
  function checkCitizenId(raw) {
    var v = clean(raw);
    if (!v) return { state: "empty", cleaned: v };
    if (!/^\d{0,17}[\dX]?$/.test(v) || (v.length < 18 && v.indexOf("X") >= 0)) {
      return { state: "malformed", cleaned: v };
    }
    if (v.length < 18) return { state: "partial", cleaned: v };
    var expected = citizenIdCheckChar(v.slice(0, 17));
    return { state: expected === v[17] ? "valid" : "checksum", expected: expected, cleaned: v };
  }

  function checkCreditCode(raw) {
    var v = clean(raw);
    if (!v) return { state: "empty", cleaned: v };
    for (var i = 0; i < v.length; i++) {
      if (CREDIT_ALPHABET.indexOf(v[i]) < 0) return { state: "malformed", cleaned: v, bad: v[i] };
    }
    if (v.length > 18) return { state: "malformed", cleaned: v };
    if (v.length < 18) return { state: "partial", cleaned: v };
    var expected = creditCodeCheckChar(v.slice(0, 17));
    return { state: expected === v[17] ? "valid" : "checksum", expected: expected, cleaned: v };
  }

  return {
    clean: clean,
    checkCitizenId: checkCitizenId,
    checkCreditCode: checkCreditCode,
    isValidCitizenId: function (v) { return checkCitizenId(v).state === "valid"; },
    isValidCreditCode: function (v) { return checkCreditCode(v).state === "valid"; },
  };
})();
