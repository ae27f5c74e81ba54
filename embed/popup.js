/*! replybox sign-in popup: hands the one-time code (or the failure) to the widget that opened
 * this window, addressed to replybox's own origin only, then closes on success. */
(() => {
  'use strict';
  const d = document.getElementById('replybox-sign-in').dataset;
  const o = window.opener;
  if (o) {
    try {
      o.postMessage({ replybox: 'sign-in', code: d.code || null, error: d.error || null }, location.origin);
    } catch (e) { /* the opener is gone */ }
    if (d.code) setTimeout(() => window.close(), 100);
  }
})();
