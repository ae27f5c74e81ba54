// replybox reader tools: the preview of what a text area holds, rendered and cleaned by the
// server's one HTML policy (the widget has no renderer or sanitiser of its own), shown below it.
RB.reader.preview = async (area) => {
  let box = area.rbPreview;
  if (!box?.isConnected) {
    box = area.rbPreview = h('section', { class: 'rb-preview', 'aria-label': t('previewTitle') });
    (area.closest('.rb-field') || area).after(box);
  }
  const { r, j } = await api('POST', 'preview', { site: RB.site, body: area.value }).catch(() => ({}));
  box.textContent = '';
  const html = r?.ok ? j.html : null;
  if (html) {
    const shown = h('div', { class: 'rb-body' });
    shown.innerHTML = html; // sanitised by the server (ammonia), exactly as the comment will be
    box.append(h('p', { class: 'rb-note' }, t('previewTitle')), shown);
  } else {
    box.append(h('p', { class: 'rb-note' }, r?.ok ? t('previewEmpty') : failed(j, r)));
  }
};
