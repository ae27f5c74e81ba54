// replybox thread app: What the frame knows and the helpers every part uses: its parameters, language and
// theme, storage, the API, DOM helpers, height reports to the embedding page, and the state.
// One of the files src/assets.rs joins, in its order, into the one app.js it serves.
// ---- Parameters, language (chosen by the server, whose app.js carries only its strings), theme
const Q = new URLSearchParams(location.search);
const P = { site: Q.get('site') || '', uri: Q.get('uri') || '', title: Q.get('title') || '' };
const root = document.documentElement;
const LANG = root.lang || 'en';
const PLURAL = new Intl.PluralRules(LANG);
// t('key', {n, name, t}); a key nobody wrote reads as 'generic'.
const t = (key, vars = {}) => {
  let s = STRINGS[key] ?? STRINGS.generic;
  if (typeof s === 'object') s = s[PLURAL.select(vars.n)] ?? s.other;
  return s.replace(/\{(\w+)\}/g, (_, k) => (k === 'n' ? vars.n.toLocaleString(LANG) : vars[k] ?? ''));
};
root.dataset.theme = /^(light|dark)$/.test(Q.get('theme')) ? Q.get('theme') : 'auto';

// The embedding page's origin, for messages to and from it. Must be a real origin: never "*".
let PARENT = null;
try {
  const o = Q.get('origin');
  if (o && new URL(o).origin === o && window.parent !== window) PARENT = o;
} catch { /* no messages then */ }
const tell = (m) => PARENT && window.parent.postMessage(m, PARENT);

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
    if (j?.credential) {
      // The first credential this browser holds (a guest's first like, report or comment):
      // from now on it has data of its own, and the footer offers it.
      const first = !load(CRED);
      save(CRED, j.credential);
      if (first) footer();
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
const button = (cls, label, onclick, attrs) => h('button', { type: 'button', class: cls, onclick, ...attrs }, label);

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
// While a long thread is drawn in slices, the frame keeps the height of its first screen: every
// new height resizes the frame, and a resized frame lays out the whole thread again.
let quiet = false;
function reportHeight(now) {
  if (quiet && now !== true) return;
  // The root's own box (not scrollHeight, which never drops below the iframe's current
  // height) so the frame can shrink again, e.g. after "Cancel reply".
  const height = Math.ceil(root.getBoundingClientRect().height);
  if (height === lastHeight) return;
  lastHeight = height;
  tell({ type: 'replybox:height', height });
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
// What an action on a comment came to: said to screen readers, and shown beside the comment's
// tools (`at`, an element inside the comment).
const live = h('p', { class: 'rb-live', role: 'status', 'aria-live': 'polite' });
const say = (text, at) => {
  live.textContent = text;
  const tools = at?.closest('.rb-c')?.querySelector('.rb-tools');
  if (tools) (tools.querySelector('.rb-msg') || tools.appendChild(h('span', { class: 'rb-msg' }))).textContent = text;
};

// ---- What the on-demand parts may use: the reader's tools (embed/more/, loaded on the first
// edit, report, preview, sign-in or "Your data") and a moderator's (embed/moderate.js). A
// moderator's script sets RB.tools, a function of a comment returning the element added to its
// tool bar (or null), then calls RB.rerender(); after acting it calls RB.reload().
const RB = window.replybox = {
  api, h, t, button, say, errorText, lang: LANG, site: P.site, PARENT, strings: STRINGS, load, save, CRED, GUEST,
  viewer: () => viewer,
  // Signed in or out: the form, then the thread as the new viewer sees it. Comments this browser
  // wrote as a guest that still await moderation stay in view after a sign-in (the account's
  // credential does not own them, so the server no longer shows them to it).
  signedIn: async (v) => {
    const held = v ? comments.filter((c) => c.mine && c.status === 'pending') : [];
    viewer = v;
    rebuild();
    await RB.reload();
    for (const c of held) if (!RB.find(c.id)) comments.push(c);
    if (held.length) renderThread();
  },
  setStatus: (text, error) => setStatus(text, error),
  find: (id) => comments.find((c) => c.id === id),
  tools: null,
  rerender: () => renderThread(),
  reload: async () => {
    const { r, j } = await api('GET', 'comments?site=' + encodeURIComponent(P.site) + '&uri=' + encodeURIComponent(P.uri));
    if (r.ok && j?.thread) {
      thread = { ...thread, ...j.thread };
      comments = j.comments;
      viewer = j.viewer || null;
      renderThread();
      moderatorTools();
    }
  }
};
// Loads the reader's tools once; resolves with them.
let readerTools;
const more = () => readerTools ||= new Promise((ok, fail) => {
  document.head.append(h('script', {
    src: document.querySelector('meta[name="replybox-more"]').content,
    onload: () => ok(RB.reader), onerror: () => { readerTools = null; fail(); }
  }));
});
