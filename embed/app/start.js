// replybox thread app: Loading the thread and starting the widget.
// One of the files src/assets.rs joins, in its order, into the one app.js it serves.
// ---- Start
const foot = h('p', { class: 'rb-foot' });
RB.foot = foot;

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
    app.append(h('p', { class: 'rb-note rb-err', role: 'alert' }, t('loadFailed') + ' ' + errorText(j?.error?.code)));
    reportHeight();
    return;
  }
  site = { ...site, ...j.site };
  thread = { ...thread, ...j.thread };
  comments = Array.isArray(j.comments) ? j.comments : [];
  viewer = j.viewer || null;
  app.append(bar, live, list);
  const wanted = +Q.get('comment');
  renderThread(wanted);
  if (thread.locked) {
    app.append(h('p', { class: 'rb-closed' }, t('closed')));
  } else {
    buildForm();
    app.append(respond);
  }
  footer();
  app.append(foot);
  // Now a code from a full-page sign-in can be taken (the loader holds it until this).
  tell({ type: 'replybox:ready' });
  reportHeight();
  if (wanted) show(wanted);
  moderatorTools();
  // Keep "3 minutes ago" honest while the page stays open.
  setInterval(() => {
    for (const el of document.querySelectorAll('time[datetime]')) el.textContent = ago(el.dateTime);
  }, 60000);
}

// "Your data", for a browser replybox knows (it holds a credential); and a discreet way in for a
// moderator with an admin-page account: a popup on replybox's own origin (/admin/widget) that
// ends like a provider's sign-in, with a one-time code for this frame (sign-in.js takes it).
function footer() {
  foot.textContent = '';
  if (load(CRED)) foot.append(button('rb-tool rb-data', t('yourData'), () => more().then((m) => m.data())), ' ');
  if (!viewer) {
    foot.append(button('rb-tool rb-mod-in', t('moderatorSignIn'), () => {
      RB.popup = open('../admin/widget?site=' + encodeURIComponent(P.site), 'rbsignin', 'popup,width=520,height=640');
      more().then((m) => RB.popup || m.popupBlocked());
    }));
  }
}

// The embedding page asks for a comment (its address changed to #comment-ID).
addEventListener('message', (e) => {
  if (e.origin === PARENT && e.source === window.parent && e.data?.type === 'replybox:show') show(+e.data.id);
});

// A moderator's tools load on demand (readers never download them): embed/moderate.js, whose
// address the frame's page names, plugs into RB.
function moderatorTools() {
  const src = document.querySelector('meta[name="replybox-moderate"]')?.content;
  if (!viewer?.moderator || !src || RB.loading) return;
  RB.loading = true;
  document.head.append(h('script', { src }));
}

start();
