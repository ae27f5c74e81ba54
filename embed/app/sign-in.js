// replybox thread app: Signing in (popup, or the whole page when pop-ups are blocked) and out.
// One of the files src/assets.rs joins, in its order, into the one app.js it serves.
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
