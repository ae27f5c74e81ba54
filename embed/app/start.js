// replybox thread app: Loading the thread and starting the widget.
// One of the files src/assets.rs joins, in its order, into the one app.js it serves.
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
  moderatorTools();
  // Keep "3 minutes ago" honest while the page stays open.
  setInterval(() => {
    for (const el of document.querySelectorAll('time[datetime]')) el.textContent = ago(el.dateTime);
  }, 60000);
}

// A moderator's tools load on demand (readers never download them): embed/moderate.js, whose
// address the frame's page names, plugs into RB (frame.js).
function moderatorTools() {
  const src = document.querySelector('meta[name="replybox-moderate"]')?.content;
  if (!viewer?.moderator || !src || RB.loading) return;
  RB.loading = true;
  document.head.append(h('script', { src }));
}

start();
