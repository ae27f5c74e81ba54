// replybox thread app: Signing in (a popup; the rest of the sign-in — the code's exchange, the
// whole-page way when pop-ups are blocked — is in the reader's tools, loaded as it begins) and out.
// One of the files src/assets.rs joins, in its order, into the one app.js it serves.
const pname = (id) => site.providers.find((p) => p.id === id)?.name || id;

function signIn(p) {
  const i = p.instance && prompt(t('instance'));
  if (p.instance && !i) return;
  const url = new URL(`../auth/${p.id}/start?site=${encodeURIComponent(P.site)}${i ? '&instance=' + encodeURIComponent(i) : ''}`, location.href);
  // Opened at once, inside the click: a pop-up opened later would be blocked.
  RB.popup = open(url, 'rbsignin', 'popup,width=520,height=640');
  more().then((m) => RB.popup || m.fullPage(url));
}

// Our popup's code (or failure), and the loader's after a whole-page sign-in: the tools check
// who sent it and take it from there.
addEventListener('message', (e) => {
  const from = e.data?.replybox === 'sign-in' || /^replybox:(code|sign-in-failed)$/.test(e.data?.type);
  if (from && (e.source === RB.popup || e.source === window.parent)) more().then((m) => m.signInMessage(e));
});

async function logOut() {
  await api('DELETE', 'session').catch(() => {});
  save(CRED, null);
  RB.signedIn(null);
}
