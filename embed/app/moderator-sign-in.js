// replybox thread app: A discreet way in for moderators with an admin-page account: a popup on
// replybox's own origin (/admin/widget) that ends like a provider sign-in, posting a one-time code
// (only our popup's counts), traded for a credential; then the queue and the tools load in place.
// One of the files src/assets.rs joins, in its order, into the one app.js it serves.
let modPopup;
const moderatorSignIn = () => h('p', { class: 'rb-hint' }, h('button', {
  class: 'rb-mod-in',
  onclick: () => (modPopup = open('../admin/widget?site=' + encodeURIComponent(P.site), 'rbmod', 'popup,width=520,height=640')) || setStatus(t('popupBlocked'), true)
}, LANG === 'de' ? 'Moderation: anmelden' : 'Moderators: sign in'));

addEventListener('message', async (e) => {
  if (modPopup && e.source === modPopup && e.origin === location.origin && e.data?.replybox === 'sign-in') {
    modPopup = null;
    await exchange({ code: e.data.code }, e.data.error);
    if (viewer?.moderator) RB.reload().then(moderatorTools);
  }
});
