// replybox thread app: What the frame knows and the helpers every part uses: its parameters, language and
// theme, storage, the API, DOM helpers, height reports to the embedding page, and the state.
// One of the files src/assets.rs joins, in its order, into the one app.js it serves.
// ---- Parameters, language, theme
const Q = new URLSearchParams(location.search);
const P = { site: Q.get('site') || '', uri: Q.get('uri') || '', title: Q.get('title') || '' };
const LANG = [Q.get('lang'), navigator.language].reduce((found, c) => {
  if (found || !c) return found;
  c = c.toLowerCase();
  return STRINGS[c] ? c : STRINGS[c.split('-')[0]] ? c.split('-')[0] : '';
}, '') || 'en';
const PLURAL = new Intl.PluralRules(LANG);
// t('key', {n, name, t}) — falls back to English for a key a language lacks.
const t = (key, vars = {}) => {
  let s = STRINGS[LANG][key] ?? STRINGS.en[key] ?? STRINGS.en.generic;
  if (typeof s === 'object') s = s[PLURAL.select(vars.n)] ?? s.other;
  return s.replace(/\{(\w+)\}/g, (_, k) => (k === 'n' ? vars.n.toLocaleString(LANG) : vars[k] ?? ''));
};
const root = document.documentElement;
root.lang = LANG;
root.dataset.theme = /^(light|dark)$/.test(Q.get('theme')) ? Q.get('theme') : 'auto';

// The embedding page's origin, for messages to and from it. Must be a real origin: never "*".
let PARENT = null;
try {
  const o = Q.get('origin');
  if (o && new URL(o).origin === o && window.parent !== window) PARENT = o;
} catch { /* no messages then */ }

// ---- Storage (partitioned per top-level site by the browser; may throw when fully blocked)
const CRED = 'replybox.credential';
const GUEST = 'replybox.guest';
const load = (k) => { try { return localStorage.getItem(k); } catch { return null; } };
const save = (k, v) => { try { v == null ? localStorage.removeItem(k) : localStorage.setItem(k, v); } catch { /* ignore */ } };

// ---- API: same origin; relative paths keep a path prefix working (/embed/thread → ../api/…)
async function api(method, path, body) {
  for (let attempt = 0; ; attempt++) {
    const headers = {};
    const token = load(CRED);
    if (token) headers.Authorization = 'Bearer ' + token;
    if (body) headers['Content-Type'] = 'application/json';
    const r = await fetch(new URL('../api/' + path, location.href), {
      method, headers, body: body && JSON.stringify(body), credentials: 'same-origin', cache: 'no-store'
    });
    let j = null;
    try { j = await r.json(); } catch { /* not JSON */ }
    if (r.status === 401 && token && !attempt && j?.error?.code === 'invalid_credential') {
      save(CRED, null);
      continue;
    }
    return { r, j };
  }
}

// ---- DOM helpers
function h(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const k in attrs) {
    const v = attrs[k];
    if (v == null || v === false) continue;
    if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  e.append(...kids.filter((c) => c != null && c !== false));
  return e;
}
const $ = (id) => document.getElementById(id);

function ago(iso) {
  const s = (Date.now() - Date.parse(iso)) / 1000;
  for (const [u, secs] of [['y', 31536e3], ['mo', 2592e3], ['w', 6048e2], ['d', 864e2], ['h', 3600], ['m', 60]]) {
    const n = Math.floor(s / secs);
    if (n >= 1) return t(u, { n });
  }
  return t('now');
}
// One formatter for every comment (building one per call costs ~0.1 ms each: 1,000 comments).
let FORMAT;
const exact = (iso) => {
  try {
    FORMAT ||= new Intl.DateTimeFormat(LANG, { dateStyle: 'long', timeStyle: 'short' });
    return FORMAT.format(new Date(iso));
  } catch { return iso; }
};
const httpUrl = (u) => { try { return /^https?:$/.test(new URL(u).protocol) ? u : null; } catch { return null; } };
// Avatars come from replybox itself: the path of the address it gave, on this frame's own origin
// (the same server, whatever name the page reached it by), so nothing is loaded from elsewhere.
const avatarUrl = (u) => { try { const a = new URL(u, location.href); return /^https?:$/.test(a.protocol) ? new URL(a.pathname, location.href).href : null; } catch { return null; } };

// ---- Height reporting to the embedding page
let lastHeight = -1;
function reportHeight() {
  if (!PARENT) return;
  // The root's own box (not scrollHeight, which never drops below the iframe's current
  // height) so the frame can shrink again, e.g. after "Cancel reply".
  const height = Math.ceil(root.getBoundingClientRect().height);
  if (height === lastHeight) return;
  lastHeight = height;
  window.parent.postMessage({ type: 'replybox:height', height }, PARENT);
}
if (window.ResizeObserver) {
  const ro = new ResizeObserver(reportHeight);
  ro.observe(root);
  ro.observe(document.body);
}

// ---- State
const app = $('replybox');
let site = { guests: true, email: 'optional', providers: [] };
let thread = { count: 0, locked: false, title: null };
let comments = [];
let viewer = null;
let replyTo = null; // the comment being answered, or null
let busy = false;
let shown = Date.now(); // when the form appeared: the server treats instant posts as bots
const MAX_DEPTH = 3;

// ---- What the on-demand moderator tools (embed/moderate.js) may use. They set RB.tools, a
// function of a comment returning the element added to its tool bar (or null), then call
// RB.rerender(); after acting they call RB.reload() to read the thread again.
const RB = window.replybox = {
  api, h, lang: LANG, site: P.site,
  viewer: () => viewer,
  tools: null,
  rerender: () => renderThread(),
  reload: async () => {
    const { r, j } = await api('GET', 'comments?site=' + encodeURIComponent(P.site) + '&uri=' + encodeURIComponent(P.uri));
    if (r.ok && j?.thread) {
      thread = { ...thread, ...j.thread };
      comments = j.comments;
      renderThread();
    }
  }
};
