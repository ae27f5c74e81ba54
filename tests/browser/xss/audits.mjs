// What "no payload did anything" means, checked inside each page and frame. Every function
// here runs in the browser (Playwright serialises it), so each one is self-contained.

/**
 * Installed in every page and frame before its own scripts: dialogs and printing are hooked,
 * CSP violations and uncaught errors are recorded, and the page's own globals are remembered so
 * that one a payload sets can be told apart. A payload does not know `__xssHits`.
 */
export function hooks() {
  if (window.__xssHits) return;
  const hits = [];
  Object.defineProperty(window, '__xssHits', { value: hits });
  const hit = (what) => hits.push(String(what).slice(0, 200));
  for (const name of ['alert', 'confirm', 'prompt', 'print']) {
    window[name] = function (message) { hit(`${name}(${message ?? ''})`); };
  }
  document.addEventListener('securitypolicyviolation',
    (e) => hit(`CSP ${e.effectiveDirective} blocked ${e.blockedURI || 'inline'}`), true);
  window.addEventListener('error', (e) => hit(`error: ${e.message}`), true);
  const globals = new Set(Object.getOwnPropertyNames(window)).add('__xssGlobals').add('__xssAudit');
  Object.defineProperty(window, '__xssGlobals', { value: globals });
}

/**
 * The checks shared by every surface, for one document: what the hooks caught, globals the
 * page did not have at its start, handler attributes, URL attributes with a scheme other than
 * http(s)/mailto (or, for resources, another origin than the two), elements that run or embed
 * something, and in each `boxes` element: only `allowed` tags in `free` parts (comment HTML),
 * text only in `textOnly` parts (names, addresses) and in the page's `pageText` (the thread's
 * title), and no descendant outside the box
 * or taken out of the flow (a parsed document that is not shown has no layout: that check is
 * then left to the shown pages). Returns what is wrong with the page, and with each box by id.
 */
export function audit({ origins, boxes, free, allowed, textOnly, pageText, ownGlobals, ownScripts }, doc = document) {
  const bad = [...window.__xssHits];
  for (const el of doc.querySelectorAll(pageText)) {
    if (el.children.length) bad.push(`<${el.children[0].localName}> in ${el.id || el.localName}`);
  }
  const fresh = Object.getOwnPropertyNames(window)
    .filter((k) => !window.__xssGlobals.has(k) && !ownGlobals.includes(k));
  if (fresh.length) bad.push(`new globals: ${fresh.slice(0, 5).join(', ')}`);
  const urlAttrs = /^(href|src|action|formaction|xlink:href|data|poster|background|ping|cite|srcset|srcdoc|manifest|codebase|archive)$/i;
  for (const el of doc.querySelectorAll('*')) {
    for (const a of el.attributes) {
      if (/^on/i.test(a.name)) bad.push(`<${el.localName} ${a.name}>`);
      if (!urlAttrs.test(a.name)) continue;
      let url;
      try { url = new URL(a.value, doc.baseURI); } catch { bad.push(`<${el.localName} ${a.name}> not a URL`); continue; }
      const isLink = (el.localName === 'a' && a.name === 'href') || (el.localName === 'form' && a.name === 'action');
      if (isLink ? !['http:', 'https:', 'mailto:'].includes(url.protocol)
        : !origins.includes(url.origin)) {
        bad.push(`<${el.localName} ${a.name}="${a.value.slice(0, 80)}">`);
      }
    }
    const tag = el.localName;
    if (['iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'portal', 'svg', 'math'].includes(tag)) bad.push(`<${tag}>`);
    if (tag === 'script') {
      const src = el.src ? new URL(el.src) : null;
      if (!src || !origins.includes(src.origin) || !ownScripts.some((p) => src.pathname.startsWith(p))) bad.push('<script> not our own');
    }
    if (tag === 'meta' && el.hasAttribute('http-equiv')) bad.push('<meta http-equiv>');
    if (tag === 'base' && el.hasAttribute('href')) bad.push('<base href>');
    if (tag === 'style' || (tag === 'link' && !origins.includes(new URL(el.href, doc.baseURI).origin))) bad.push(`<${tag}> not our own`);
  }
  const shown = [];
  for (const box of doc.querySelectorAll(boxes)) {
    const bad = [];
    shown.push({ id: box.id, bad });
    const edge = box.getBoundingClientRect();
    for (const part of box.querySelectorAll(free)) {
      for (const el of part.querySelectorAll('*')) {
        if (!allowed.includes(el.localName)) bad.push(`<${el.localName}> in comment HTML`);
      }
    }
    for (const part of box.querySelectorAll(textOnly)) {
      if (part.children.length) bad.push(`<${part.children[0].localName}> in ${part.className || part.localName}`);
    }
    for (const el of box.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (!r.width && !r.height) continue;
      if (r.left < edge.left - 1 || r.right > edge.right + 1 || r.top < edge.top - 1 || r.bottom > edge.bottom + 1) {
        bad.push(`<${el.localName}> outside its box (${Math.round(r.left)}..${Math.round(r.right)} of ${Math.round(edge.left)}..${Math.round(edge.right)})`);
      }
      const position = getComputedStyle(el).position;
      if (position === 'fixed' || position === 'absolute' || position === 'sticky') bad.push(`<${el.localName}> position:${position}`);
    }
  }
  return { bad, shown, url: doc.URL };
}

/** The globals a page sets for itself (read in a page whose comments are plain words). */
export function ownGlobals() {
  return Object.getOwnPropertyNames(window).filter((k) => !window.__xssGlobals.has(k));
}

/** The init script: the hooks, and the audit kept where a page's own scripts cannot reach it. */
export const initScript = `(${hooks})();
Object.defineProperty(window, '__xssAudit', { value: ${audit} });`;
