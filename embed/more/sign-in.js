// replybox reader tools: the rest of a sign-in. Our popup posts a one-time code (only ours
// count), traded for this frame's credential; when pop-ups are blocked, the whole page goes to
// the sign-in and comes back with the code in its address, bound to a secret in this frame.
const CLAIM = 'replybox.claim';
const hex = (bytes) => Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');

// Pop-up blocked: the whole page goes to the sign-in and comes back with the code in its
// address (#replybox-code=…), where the blog's scripts can see it. So the code is bound to a
// secret that stays in this frame's storage: replybox gets only its SHA-256 (the claim) now,
// and the exchange wants the secret itself. Without storage there is no fallback.
RB.reader.fullPage = async (url) => {
  const secret = hex(crypto.getRandomValues(new Uint8Array(32)));
  RB.save(CLAIM, secret);
  if (!RB.PARENT || RB.load(CLAIM) !== secret) return RB.setStatus(t('popupBlocked'), true);
  url.searchParams.set('claim', hex(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(secret))));
  // The loader navigates the top page (and adds the return address, the page it runs in).
  window.parent.postMessage({ type: 'replybox:navigate', url: url.href }, RB.PARENT);
};

// A moderator's sign-in has no whole-page way: pop-ups must be allowed.
RB.reader.popupBlocked = () => RB.setStatus(t('popupBlocked'), true);

// What to say about a failed sign-in, from replybox's error code (own strings only; a count-less
// "too fast" for rate_limited; anything else reads as 'generic').
const signInFailure = (code) => (code === 'rate_limited' ? t('rate_limited_soon') : RB.errorText(code));

// Trades a one-time code for this frame's credential; `error` is what to say if that fails.
async function exchange(body, error) {
  const j = body.code && (await api('POST', '../auth/exchange', body).catch(() => ({}))).j;
  if (!j?.credential) return RB.setStatus(signInFailure(error), true);
  RB.signedIn(j.viewer);
}

RB.reader.signInMessage = (e) => {
  const d = e.data;
  // From our popup: the code, or why the sign-in failed.
  if (e.origin === location.origin && RB.popup && e.source === RB.popup && d?.replybox === 'sign-in') {
    RB.popup = null;
    exchange({ code: d.code }, d.error);
  }
  // From the loader, back from a full-page sign-in: the code, exchanged with our secret. A
  // secret is used once, whatever the outcome; without one the code is not ours to try.
  if (e.origin === RB.PARENT && e.source === window.parent && typeof (d?.code ?? d?.error) === 'string') {
    const claim = RB.load(CLAIM);
    RB.save(CLAIM, null);
    if (!claim) return;
    if (d.type === 'replybox:code') exchange({ code: d.code, claim });
    else if (d.type === 'replybox:sign-in-failed') RB.setStatus(signInFailure(d.error), true);
  }
};
