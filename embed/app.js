/*! replybox thread app: runs inside the iframe at {public_url}/embed/thread?site&uri&title&theme&lang&origin.
 * Talks only to its own origin. The one innerHTML in this file is the comment's server-sanitised
 * html; every other string from users goes through textContent or attributes. */
(() => {
'use strict';

// ---- Every user-visible string, per language. Plurals are keyed by Intl.PluralRules category.
const STRINGS = {
  en: {
    loading: 'Loading comments…',
    loadFailed: 'Comments could not be loaded.',
    none: 'No comments yet',
    count: { one: '{n} comment on “{t}”', other: '{n} comments on “{t}”' },
    countBare: { one: '{n} comment', other: '{n} comments' },
    reply: 'Reply',
    replyTo: 'Reply to {name}',
    inReplyTo: 'in reply to {name}',
    leave: 'Leave a Reply',
    leaveTo: 'Leave a Reply to {name}',
    cancel: 'Cancel reply',
    intro: 'Fill in your details below or click an icon to log in:',
    introGuest: 'Fill in your details below:',
    introLogin: 'Click an icon to log in:',
    loginWith: 'Log in with {name}',
    signedIn: 'You are commenting as {name} ({p}).',
    logout: 'Log out',
    popupBlocked: 'Please allow pop-ups to log in.',
    sign_in_denied: 'Log-in was cancelled.',
    instance: 'Your Mastodon server:',
    comment: 'Comment',
    hint: 'Markdown works: *italic*, **bold**, [link](https://…), `code`.',
    name: 'Name',
    email: 'Email (never published)',
    url: 'Website',
    post: 'Post Comment',
    posting: 'Posting…',
    posted: 'Your comment was posted.',
    notifyReplies: 'Notify me of replies by email.',
    notifyPage: 'Notify me of new comments on this page by email.',
    checkMail: 'Check your inbox to confirm your email address.',
    pending: 'Your comment is awaiting moderation.',
    deleted: 'This comment was deleted.',
    closed: 'Comments are closed.',
    now: 'just now',
    y: { one: '{n} year ago', other: '{n} years ago' },
    mo: { one: '{n} month ago', other: '{n} months ago' },
    w: { one: '{n} week ago', other: '{n} weeks ago' },
    d: { one: '{n} day ago', other: '{n} days ago' },
    h: { one: '{n} hour ago', other: '{n} hours ago' },
    m: { one: '{n} minute ago', other: '{n} minutes ago' },
    rate_limited: { one: "You're posting too fast — try again in {n} second.", other: "You're posting too fast — try again in {n} seconds." },
    rate_limited_soon: "You're posting too fast — try again in a moment.",
    comment_empty: 'Please write a comment first.',
    comment_too_long: 'Your comment is too long — please shorten it.',
    payload_too_large: 'Your comment is too long — please shorten it.',
    name_required: 'Please enter your name.',
    name_too_long: 'That name is too long — please shorten it.',
    email_required: 'Please enter your email address. It is never published.',
    invalid_email: "That email address doesn't look right.",
    invalid_url: "That website address doesn't look right — it should start with https:// or http://.",
    invalid_parent: 'The comment you are replying to is no longer there.',
    thread_locked: 'Comments are closed.',
    banned: 'You can no longer comment on this site.',
    duplicate_comment: 'You already posted this comment.',
    moderator: 'Moderator',
    guests_not_allowed: 'Please log in to comment.',
    origin_not_allowed: "Comments can't be posted from this page's address.",
    unknown_site: 'This comment section is not set up correctly (unknown site).',
    generic: 'Something went wrong — please try again.'
  },
  de: {
    loading: 'Kommentare werden geladen …',
    loadFailed: 'Die Kommentare konnten nicht geladen werden.',
    none: 'Noch keine Kommentare',
    count: { one: '{n} Kommentar zu „{t}“', other: '{n} Kommentare zu „{t}“' },
    countBare: { one: '{n} Kommentar', other: '{n} Kommentare' },
    reply: 'Antworten',
    replyTo: '{name} antworten',
    inReplyTo: 'als Antwort auf {name}',
    leave: 'Schreibe einen Kommentar',
    leaveTo: 'Antworte {name}',
    cancel: 'Antwort abbrechen',
    intro: 'Gib unten deine Daten ein oder klicke auf ein Symbol, um dich anzumelden:',
    introGuest: 'Gib unten deine Daten ein:',
    introLogin: 'Klicke auf ein Symbol, um dich anzumelden:',
    loginWith: 'Mit {name} anmelden',
    signedIn: 'Du kommentierst als {name} ({p}).',
    logout: 'Abmelden',
    popupBlocked: 'Bitte erlaube Pop-ups zum Anmelden.',
    sign_in_denied: 'Die Anmeldung wurde abgebrochen.',
    instance: 'Dein Mastodon-Server:',
    comment: 'Kommentar',
    hint: 'Markdown geht: *kursiv*, **fett**, [Link](https://…), `Code`.',
    name: 'Name',
    email: 'E-Mail (wird nie veröffentlicht)',
    url: 'Website',
    post: 'Kommentar abschicken',
    posting: 'Wird gesendet …',
    posted: 'Dein Kommentar wurde veröffentlicht.',
    notifyReplies: 'Benachrichtige mich per E-Mail über Antworten.',
    notifyPage: 'Benachrichtige mich per E-Mail über neue Kommentare auf dieser Seite.',
    checkMail: 'Bitte bestätige deine E-Mail-Adresse über den Link in deinem Postfach.',
    pending: 'Dein Kommentar wartet auf Freischaltung.',
    deleted: 'Dieser Kommentar wurde gelöscht.',
    closed: 'Die Kommentare sind geschlossen.',
    now: 'gerade eben',
    y: { one: 'vor {n} Jahr', other: 'vor {n} Jahren' },
    mo: { one: 'vor {n} Monat', other: 'vor {n} Monaten' },
    w: { one: 'vor {n} Woche', other: 'vor {n} Wochen' },
    d: { one: 'vor {n} Tag', other: 'vor {n} Tagen' },
    h: { one: 'vor {n} Stunde', other: 'vor {n} Stunden' },
    m: { one: 'vor {n} Minute', other: 'vor {n} Minuten' },
    rate_limited: { one: 'Du schreibst zu schnell — versuche es in {n} Sekunde noch einmal.', other: 'Du schreibst zu schnell — versuche es in {n} Sekunden noch einmal.' },
    rate_limited_soon: 'Du schreibst zu schnell — versuche es gleich noch einmal.',
    comment_empty: 'Bitte schreibe zuerst einen Kommentar.',
    comment_too_long: 'Dein Kommentar ist zu lang — bitte kürze ihn.',
    payload_too_large: 'Dein Kommentar ist zu lang — bitte kürze ihn.',
    name_required: 'Bitte gib deinen Namen ein.',
    name_too_long: 'Der Name ist zu lang — bitte kürze ihn.',
    email_required: 'Bitte gib deine E-Mail-Adresse ein. Sie wird nie veröffentlicht.',
    invalid_email: 'Diese E-Mail-Adresse sieht nicht richtig aus.',
    invalid_url: 'Diese Website-Adresse sieht nicht richtig aus — sie sollte mit https:// oder http:// beginnen.',
    invalid_parent: 'Den Kommentar, auf den du antwortest, gibt es nicht mehr.',
    thread_locked: 'Die Kommentare sind geschlossen.',
    banned: 'Du kannst auf dieser Website nicht mehr kommentieren.',
    duplicate_comment: 'Diesen Kommentar hast du schon geschrieben.',
    moderator: 'Moderation',
    guests_not_allowed: 'Bitte melde dich zum Kommentieren an.',
    origin_not_allowed: 'Von der Adresse dieser Seite aus können keine Kommentare gesendet werden.',
    unknown_site: 'Dieser Kommentarbereich ist falsch eingerichtet (unbekannte Website).',
    generic: 'Etwas ist schiefgegangen — bitte versuche es noch einmal.'
  }
};

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
// Avatars come from replybox itself; anything else is not loaded (no third-party requests).
const ownUrl = (u) => { try { return new URL(u, location.href).origin === location.origin ? u : null; } catch { return null; } };

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

// ---- Thread
const heading = h('h2', { class: 'rb-title', id: 'rb-title' });
let list = h('ol', { class: 'rb-list' });

function headingText() {
  const title = thread.title || P.title;
  const n = thread.count;
  if (!n) return t('none');
  return title ? t('count', { n, t: title }) : t('countBare', { n });
}

function item(c, inReplyTo) {
  const a = c.author || {};
  const href = httpUrl(a.url);
  const name = href
    ? h('a', { href, rel: 'nofollow ugc noopener noreferrer', target: '_blank' }, a.name || '')
    : h('span', {}, a.name || '');
  const avatar = ownUrl(a.avatar);
  const body = h('div', { class: 'rb-body' });
  if (c.status === 'deleted') body.append(h('p', { class: 'rb-note' }, t('deleted')));
  else body.innerHTML = c.html || ''; // sanitised by the server (ammonia): the only innerHTML here
  const canReply = !thread.locked && c.status === 'approved';
  return h('li', { class: 'rb-c', id: 'c-' + c.id },
    h('article', { class: 'rb-art' + (c.mine ? ' rb-mine' : ''), tabindex: '-1', 'aria-labelledby': 'n-' + c.id },
      avatar ? h('img', { class: 'rb-av', src: avatar, alt: '', width: 40, height: 40, loading: 'lazy' })
        : h('span', { class: 'rb-av' }),
      h('header', { class: 'rb-head' },
        h('strong', { class: 'rb-name', id: 'n-' + c.id }, name),
        a.provider && h('span', { class: 'rb-via' }, ' (' + pname(a.provider) + ')'),
        c.moderator && h('span', { class: 'rb-badge' }, t('moderator')),
        ' ',
        h('time', { class: 'rb-when', datetime: c.created, title: exact(c.created) }, ago(c.created)),
        inReplyTo != null && h('span', { class: 'rb-to' }, t('inReplyTo', { name: inReplyTo }))),
      c.status === 'pending' && h('p', { class: 'rb-pending' }, t('pending')),
      body,
      canReply && h('button', {
        type: 'button', class: 'rb-reply', 'aria-label': t('replyTo', { name: a.name || '' }),
        onclick: () => moveForm(c)
      }, t('reply'))));
}

function renderThread() {
  heading.textContent = headingText();
  const byId = new Map(comments.map((c) => [c.id, c]));
  const kids = new Map();
  for (const c of comments) {
    const p = byId.has(c.parent) ? c.parent : null; // an unseen parent: show at top level
    if (!kids.has(p)) kids.set(p, []);
    kids.get(p).push(c);
  }
  const top = h('ol', { class: 'rb-list' });
  (function walk(ol, parentId, depth) {
    for (const c of kids.get(parentId) || []) {
      const li = item(c, depth > MAX_DEPTH ? byId.get(c.parent).author?.name ?? '' : null);
      ol.append(li);
      if (depth < MAX_DEPTH) {
        const sub = h('ol', { class: 'rb-list rb-kids' });
        walk(sub, c.id, depth + 1);
        if (sub.firstChild) li.append(sub);
      } else {
        walk(ol, c.id, depth + 1); // deeper replies: flat at the deepest indent
      }
    }
  })(top, null, 0);
  list.replaceWith(top);
  list = top;
  reportHeight();
}

// ---- Form
const respond = h('section', { class: 'rb-respond', id: 'rb-respond', 'aria-labelledby': 'rb-leave' });
const fields = {};
let status, submit, leave, cancel;

function setStatus(text, isError) {
  status.textContent = text;
  status.className = 'rb-status' + (isError ? ' rb-err' : '');
}

function field(key, label, type, attrs) {
  const id = 'rb-' + key;
  const input = fields[key] = h(type === 'textarea' ? 'textarea' : 'input', { id, name: key, type: type === 'textarea' ? null : type, ...attrs });
  return h('p', { class: 'rb-field' },
    h('label', { for: id }, label, attrs.required ? h('span', { class: 'rb-req', 'aria-hidden': 'true' }, ' *') : null),
    input);
}

function buildForm() {
  leave = h('h3', { class: 'rb-leave', id: 'rb-leave' }, t('leave'));
  cancel = h('button', { type: 'button', class: 'rb-cancel', hidden: true, onclick: () => moveForm(null) }, t('cancel'));
  const guest = !viewer && site.guests !== false;
  const providers = viewer ? [] : site.providers || [];
  const intro = viewer ? t('signedIn', { name: viewer.name, p: pname(viewer.provider) })
    : guest ? (providers.length ? t('intro') : t('introGuest'))
      : providers.length ? t('introLogin') : null;
  status = h('p', { class: 'rb-status', id: 'rb-status', role: 'status', 'aria-live': 'polite' });
  submit = h('button', { type: 'submit', class: 'rb-submit' }, t('post'));
  const saved = (() => { try { return JSON.parse(load(GUEST)) || {}; } catch { return {}; } })();
  const form = h('form', { class: 'rb-form', novalidate: true, onsubmit: post },
    h('div', { class: 'rb-bar' }, leave, cancel),
    field('body', t('comment'), 'textarea', { rows: 5, required: true, 'aria-describedby': 'rb-hint' }),
    h('p', { class: 'rb-hint', id: 'rb-hint' }, t('hint')),
    intro && h('p', { class: 'rb-intro' }, intro,
      viewer && ' · ', viewer && h('button', { type: 'button', class: 'rb-out', onclick: logOut }, t('logout'))),
    providers.length ? h('div', { class: 'rb-providers' }, ...providers.map((p) =>
      h('button', { type: 'button', class: 'rb-provider', 'data-provider': p.id, title: t('loginWith', { name: p.name }), onclick: () => signIn(p) },
        h('img', { src: new URL('..' + p.icon, location.href), alt: '', width: 20, height: 20 }), p.name))) : null,
    guest && h('div', { class: 'rb-guest' },
      field('name', t('name'), 'text', { required: true, autocomplete: 'name' }),
      field('email', t('email'), 'email', { required: site.email === 'required', autocomplete: 'email' }),
      field('url', t('url'), 'url', { autocomplete: 'url', inputmode: 'url' })),
    guest && site.notifications && h('p', { class: 'rb-notify' }, check('notify_replies', t('notifyReplies')), check('notify_page', t('notifyPage'))),
    h('p', { class: 'rb-hp', 'aria-hidden': 'true' },
      fields.homepage = h('input', { name: 'homepage', type: 'text', tabindex: '-1', autocomplete: 'off' })),
    status,
    h('p', { class: 'rb-actions' }, submit));
  for (const k of ['name', 'email', 'url']) if (fields[k] && saved[k]) fields[k].value = saved[k];
  respond.append(form);
}

function check(key, label) {
  return h('label', { class: 'rb-check' }, fields[key] = h('input', { type: 'checkbox', name: key }), ' ', label);
}

// ---- Sign-in: our popup posts a one-time code (only ours count), traded for a credential
const pname = (id) => site.providers.find((p) => p.id === id)?.name || id;
let popup;

const CLAIM = 'replybox.claim';
const hex = (bytes) => Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');

async function signIn(p) {
  const i = p.instance && prompt(t('instance'));
  if (p.instance && !i) return;
  const url = new URL(`../auth/${p.id}/start?site=${encodeURIComponent(P.site)}${i ? '&instance=' + encodeURIComponent(i) : ''}`, location.href);
  popup = open(url, 'rbsignin', 'popup,width=520,height=640');
  if (popup) return;
  // Pop-up blocked: the whole page goes to the sign-in and comes back with the code in its
  // address (#replybox-code=…), where the blog's scripts can see it. So the code is bound to a
  // secret that stays in this frame's storage: replybox gets only its SHA-256 (the claim) now,
  // and the exchange wants the secret itself. Without storage there is no fallback.
  const secret = hex(crypto.getRandomValues(new Uint8Array(32)));
  save(CLAIM, secret);
  if (!PARENT || load(CLAIM) !== secret) return setStatus(t('popupBlocked'), true);
  url.searchParams.set('claim', hex(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(secret))));
  // The loader navigates the top page (and adds the return address, the page it runs in).
  window.parent.postMessage({ type: 'replybox:navigate', url: url.href }, PARENT);
}

// What to say about a failed sign-in, from replybox's error code (own strings only; a count-less
// "too fast" for rate_limited; anything else reads as 'generic').
const signInFailure = (code) => code === 'rate_limited' ? t('rate_limited_soon')
  : t(Object.prototype.hasOwnProperty.call(STRINGS.en, code) && typeof STRINGS.en[code] === 'string' ? code : 'generic');

// Trades a one-time code for this frame's credential; `error` is what to say if that fails.
async function exchange(body, error) {
  const j = body.code && (await api('POST', '../auth/exchange', body).catch(() => ({}))).j;
  if (!j?.credential) return setStatus(signInFailure(error), true);
  save(CRED, j.credential);
  viewer = j.viewer;
  rebuild();
}

addEventListener('message', (e) => {
  const d = e.data;
  // From our popup: the code, or why the sign-in failed.
  if (e.origin === location.origin && popup && e.source === popup && d?.replybox === 'sign-in') {
    popup = null;
    exchange({ code: d.code }, d.error);
  }
  // From the loader, back from a full-page sign-in: the code, exchanged with our secret. A
  // secret is used once, whatever the outcome; without one the code is not ours to try.
  if (e.origin === PARENT && e.source === window.parent && d?.type === 'replybox:code' && typeof d.code === 'string') {
    const claim = load(CLAIM);
    save(CLAIM, null);
    if (claim) exchange({ code: d.code, claim });
  }
  // Back from a full-page sign-in that failed: said only by a frame that sent the page there.
  if (e.origin === PARENT && e.source === window.parent && d?.type === 'replybox:sign-in-failed' && typeof d.error === 'string') {
    const claim = load(CLAIM);
    save(CLAIM, null);
    if (claim) setStatus(signInFailure(d.error), true);
  }
});

async function logOut() {
  await api('DELETE', 'session').catch(() => {});
  save(CRED, null);
  viewer = null;
  rebuild();
}

function rebuild() {
  const body = fields.body.value;
  for (const k in fields) delete fields[k];
  respond.textContent = '';
  buildForm();
  fields.body.value = body;
  reportHeight();
}

function moveForm(c) {
  const previous = replyTo;
  replyTo = c;
  setStatus('', false);
  if (c) {
    $('c-' + c.id).querySelector('article').after(respond);
    leave.textContent = t('leaveTo', { name: c.author?.name ?? '' });
    cancel.hidden = false;
    fields.body.focus();
  } else {
    app.append(respond);
    leave.textContent = t('leave');
    cancel.hidden = true;
    if (previous) $('c-' + previous.id)?.querySelector('.rb-reply')?.focus();
  }
  reportHeight();
}

// Error codes with their own sentence (anything else reads as 'generic').
const ERRORS = ('comment_empty comment_too_long payload_too_large name_required name_too_long email_required '
  + 'invalid_email invalid_url invalid_parent thread_locked banned duplicate_comment guests_not_allowed origin_not_allowed unknown_site').split(' ');

// Field each error code belongs to, so it can be marked and focused.
const FIELD_OF = {
  comment_empty: 'body', comment_too_long: 'body', payload_too_large: 'body',
  name_required: 'name', name_too_long: 'name',
  email_required: 'email', invalid_email: 'email', invalid_url: 'url'
};

function showError(code, retryAfter) {
  let text;
  if (code === 'rate_limited') {
    let secs = /^\d+$/.test(retryAfter || '') ? +retryAfter : Math.ceil((Date.parse(retryAfter) - Date.now()) / 1000);
    text = secs > 0 ? t('rate_limited', { n: secs }) : t('rate_limited_soon');
  } else {
    text = ERRORS.includes(code) ? t(code) : t('generic');
  }
  setStatus(text, true);
  const f = fields[FIELD_OF[code]];
  if (f) {
    f.setAttribute('aria-invalid', 'true');
    f.focus();
  } else {
    submit.focus();
  }
}

async function post(e) {
  e.preventDefault();
  if (busy) return;
  for (const k in fields) fields[k].removeAttribute('aria-invalid');
  const v = (k) => (fields[k] ? fields[k].value.trim() : '');
  const author = { name: v('name'), email: v('email'), url: v('url') || null };
  if (fields.name) save(GUEST, JSON.stringify(author));
  // The server checks all of this again; checking here just saves a round trip.
  const early = !v('body') ? 'comment_empty'
    : fields.name && !author.name ? 'name_required'
      : fields.email?.required && !author.email ? 'email_required' : null;
  if (early) return showError(early);
  busy = true;
  submit.disabled = true;
  submit.textContent = t('posting');
  setStatus('', false);
  let failed = null; // [code, Retry-After] once something went wrong
  try {
    const { r, j } = await api('POST', 'comments', {
      site: P.site, uri: P.uri, title: P.title || null,
      parent: replyTo ? replyTo.id : null, body: fields.body.value, author,
      honeypot: fields.homepage.value, compose_ms: Date.now() - shown,
      notify_replies: !!fields.notify_replies?.checked, notify_page: !!fields.notify_page?.checked
    });
    if (r.status === 201 && j?.comment) {
      if (j.credential) save(CRED, j.credential);
      const c = { ...j.comment, mine: true };
      comments.push(c);
      if (c.status === 'approved') thread.count++;
      fields.body.value = '';
      moveForm(null);
      renderThread();
      const asked = fields.notify_replies?.checked || fields.notify_page?.checked;
      setStatus((c.status === 'approved' ? t('posted') : t('pending')) + (asked ? ' ' + t('checkMail') : ''), false);
      $('c-' + c.id)?.querySelector('article').focus();
    } else {
      failed = [j?.error?.code, r.headers.get('Retry-After')];
    }
  } catch {
    failed = [null];
  }
  busy = false;
  submit.disabled = false; // before showError, which may focus the button
  submit.textContent = t('post');
  if (failed) showError(...failed);
}

// ---- Start
async function start() {
  const loading = h('p', { class: 'rb-note', role: 'status' }, t('loading'));
  app.append(loading);
  reportHeight();
  let res;
  try {
    res = await api('GET', 'comments?site=' + encodeURIComponent(P.site) + '&uri=' + encodeURIComponent(P.uri));
  } catch { /* network failure */ }
  loading.remove();
  const j = res?.j;
  if (!res || !res.r.ok || !j?.thread) {
    const code = j?.error?.code;
    app.append(h('p', { class: 'rb-note rb-err', role: 'alert' },
      t('loadFailed') + ' ' + (ERRORS.includes(code) ? t(code) : t('generic'))));
    reportHeight();
    return;
  }
  site = { ...site, ...j.site };
  thread = { ...thread, ...j.thread };
  comments = Array.isArray(j.comments) ? j.comments : [];
  viewer = j.viewer || null;
  app.append(heading, list);
  renderThread();
  if (thread.locked) {
    app.append(h('p', { class: 'rb-closed' }, t('closed')));
  } else {
    buildForm();
    app.append(respond);
    // Now a code from a full-page sign-in can be taken (the loader holds it until this).
    if (PARENT) window.parent.postMessage({ type: 'replybox:ready' }, PARENT);
  }
  reportHeight();
  // Keep "3 minutes ago" honest while the page stays open.
  setInterval(() => {
    for (const el of document.querySelectorAll('time[datetime]')) el.textContent = ago(el.dateTime);
  }, 60000);
}

start();
})();
