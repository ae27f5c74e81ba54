/*! replybox loader: puts the comment thread (an iframe on the
 * replybox origin) into the page and fills comment-count spans. No cookies, no other hosts. */
(function () {
  'use strict';
  var d = document;
  var me = d.currentScript;
  if (!me) {
    // Very old browsers, or a copy of this file inlined by an optimiser: take the last
    // script whose src ends with /embed.js (the one being executed is usually the last).
    var all = d.querySelectorAll('script[src]');
    for (var i = all.length - 1; i >= 0 && !me; i--) {
      if (/\/embed\.js([?#]|$)/.test(all[i].src)) me = all[i];
    }
  }
  // Back from a full-page sign-in (taken when the reader's browser blocked the pop-up): replybox
  // sent this page here with #replybox-code=… (or #replybox-error=CODE when it failed). Out of
  // the address bar with it at once, before analytics scripts that run later read it and before
  // anyone bookmarks or shares the link. The code alone is useless: the exchange also wants a
  // secret that only our iframe's storage holds.
  var back = /^#replybox-(code|error)=([\w-]{1,128})$/.exec(location.hash);
  if (/replybox-(code|error)=/.test(location.hash)) {
    history.replaceState(history.state, '', location.href.split('#')[0]);
  }
  back = back && (back[1] === 'code'
    ? { type: 'replybox:code', code: back[2] }
    : { type: 'replybox:sign-in-failed', error: back[2] });
  if (!me) return;
  var src = new URL(me.src, location.href);
  var origin = src.origin;
  var prefix = src.pathname.replace(/\/embed\.js$/, '');
  var base = origin + prefix;
  var ds = me.dataset;
  var site = ds.site;
  if (!site) {
    if (window.console) console.error('replybox: the script tag needs data-site="…"');
    return;
  }

  function start() {
    counts();
    thread();
  }

  function thread() {
    var box = d.getElementById('replybox-thread');
    // An index page carries the script only to fill its count spans: without the thread div
    // and with count spans present we inject no thread (otherwise every index page would grow
    // a comment box for the index itself). Without either, the thread goes after the script.
    if (!box && d.querySelector('[data-replybox-count]')) return;
    var uri = ds.uri;
    if (!uri) {
      // The canonical link's path (so "/post/" and "/post/?utm=x" share one thread, and the
      // key matches the paths used in count spans); else the page's own path.
      var canon = d.querySelector('link[rel="canonical"][href]');
      uri = canon ? new URL(canon.href, location.href).pathname : location.pathname;
    }
    // A permalink (#comment-42) opens the thread at that comment.
    var target = function () { var m = /^#comment-(\d{1,18})$/.exec(location.hash); return m && m[1]; };
    var q = {
      site: site,
      uri: uri,
      title: ds.title || d.title,
      theme: /^(light|dark|auto)$/.test(ds.theme) ? ds.theme : 'auto',
      lang: ds.lang || navigator.language || 'en',
      origin: location.origin
    };
    if (target()) q.comment = target();
    var qs = [];
    for (var k in q) qs.push(k + '=' + encodeURIComponent(q[k]));
    var f = d.createElement('iframe');
    f.src = base + '/embed/thread?' + qs.join('&');
    f.title = 'Comments';
    f.setAttribute('scrolling', 'no');
    f.setAttribute('frameborder', '0');
    // CSSOM assignments: allowed even where the host page's CSP forbids inline style attributes.
    var st = f.style;
    st.width = '100%';
    st.border = '0';
    st.display = 'block';
    st.overflow = 'hidden';
    st.height = '240px';
    // No sandbox: the thread needs its own (partitioned) storage and sign-in popups.
    window.addEventListener('message', function (e) {
      if (e.origin !== origin || e.source !== f.contentWindow) return;
      var m = e.data || {};
      if (m.type === 'replybox:height' && typeof m.height === 'number' && m.height >= 0) {
        st.height = Math.ceil(Math.min(m.height, 1e6)) + 'px';
      }
      // Show a comment: scroll to where the frame says it is; a permalink clicked in the frame
      // becomes this page's address (and comes back to the frame as a hash change).
      if (m.type === 'replybox:scroll' && typeof m.top === 'number' && m.top >= 0) {
        window.scrollTo(0, f.getBoundingClientRect().top + window.pageYOffset + Math.min(m.top, 1e6));
      }
      if (m.type === 'replybox:permalink' && /^\d{1,18}$/.test(String(m.id))) {
        if (location.hash === '#comment-' + m.id) show();
        else location.hash = 'comment-' + m.id;
      }
      // The frame says when its listener is up (a message sent earlier would be lost); the
      // code (or the failure) goes to replybox's origin only, and once.
      if (m.type === 'replybox:ready' && back) {
        f.contentWindow.postMessage(back, origin);
        back = null;
      }
      // Pop-up blocked: the frame asks us to take the whole page to the sign-in. A frame on
      // another site may not navigate the top page without a user gesture, this page may. Only
      // to replybox's own sign-in pages; the return address is this page, which the frame does
      // not know exactly (replybox refuses any address not on one of the site's origins).
      if (m.type === 'replybox:navigate' && typeof m.url === 'string') {
        var u = new URL(m.url, base);
        if (u.origin === origin && u.pathname.indexOf(prefix + '/auth/') === 0) {
          u.searchParams.set('return', location.href.split('#')[0]);
          location.href = u.href;
        }
      }
    });
    function show() {
      if (target()) f.contentWindow.postMessage({ type: 'replybox:show', id: target() }, origin);
    }
    window.addEventListener('hashchange', show);
    if (box) box.appendChild(f);
    else me.parentNode.insertBefore(f, me.nextSibling);
  }

  function counts() {
    var spans = d.querySelectorAll('[data-replybox-count]');
    if (!spans.length) return;
    var uris = [];
    for (var i = 0; i < spans.length; i++) {
      var u = spans[i].getAttribute('data-replybox-count');
      if (uris.indexOf(u) < 0) uris.push(u);
    }
    fetch(base + '/api/counts', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ site: site, uris: uris })
    }).then(function (r) {
      return r.ok ? r.json() : null;
    }).then(function (j) {
      var c = j && j.counts;
      if (!c) return;
      for (var i = 0; i < spans.length; i++) {
        var n = c[spans[i].getAttribute('data-replybox-count')];
        if (typeof n === 'number') spans[i].textContent = String(n);
      }
    }).catch(function () { /* leave the spans as the page wrote them */ });
  }

  if (d.readyState === 'loading') d.addEventListener('DOMContentLoaded', start);
  else start();
})();
