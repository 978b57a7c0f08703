/*! User-held codes, made on the device (Prevention Evidence Hub, AGPL-3.0-or-later).
 * Same rules as evidencehub/core/codes.py: 8 random characters from an
 * alphabet without 0 O 1 I L, plus a check character so that sum((i+1)*v_i)
 * over the 9 characters is 0 mod 31 (ISBN-10 construction with a prime
 * modulus: catches every single typo and every swap of two characters).
 * evidencehubCode.generate() -> "ABCD-EFGH-J"; evidencehubCode.check(text) -> bool.
 */
(function (w) {
  "use strict";
  var A = "23456789ABCDEFGHJKMNPQRSTUVWXYZ", M = 31;
  function checkChar(body) {
    var s = 0;
    for (var i = 0; i < 8; i++) s += (i + 1) * A.indexOf(body[i]);
    // 9 * c = -s (mod 31); 7 is the inverse of 9 mod 31 (9 * 7 = 63 = 2*31 + 1).
    return A[(((-s * 7) % M) + M) % M];
  }
  function generate() {
    var bytes = new Uint8Array(8), body = "";
    for (var i = 0; i < 8; i++) {
      // rejection sampling keeps every character equally likely
      do { w.crypto.getRandomValues(bytes.subarray(i, i + 1)); } while (bytes[i] >= 248);
      body += A[bytes[i] % M];
    }
    var code = body + checkChar(body);
    return code.slice(0, 4) + "-" + code.slice(4, 8) + "-" + code[8];
  }
  function normalise(text) { return String(text).toUpperCase().replace(/[\s\-_.]/g, ""); }
  function check(text) {
    var c = normalise(text);
    if (c.length !== 9) return false;
    for (var i = 0; i < 9; i++) if (A.indexOf(c[i]) < 0) return false;
    return checkChar(c.slice(0, 8)) === c[8];
  }
  w.evidencehubCode = { generate: generate, check: check, normalise: normalise };
})(typeof window !== "undefined" ? window : globalThis);
