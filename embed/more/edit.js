// replybox reader tools: an author edits or deletes their own comment while the site allows it.
// The server renders and judges the new text again; the thread is read again afterwards, so what
// the reader sees is what everyone sees (or that it awaits moderation).
RB.reader.edit = (c, li) => {
  const body = li.querySelector('.rb-body');
  const area = h('textarea', { class: 'rb-edit-box', rows: 5, 'aria-label': t('editing') });
  area.value = c.text || '';
  const status = note();
  const form = panel(li, 'rb-editing', area,
    h('p', { class: 'rb-actions' }, h('button', { type: 'submit', class: 'rb-submit' }, t('save')), ' ',
      button('rb-tool', t('preview'), () => RB.reader.preview(area)), ' ', button('rb-tool', t('dismiss'), () => close(form))),
    status);
  body.hidden = true;
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const { r, j } = await api('PATCH', 'comments/' + c.id, { body: area.value }).catch(() => ({}));
    if (!r?.ok) {
      status.textContent = failed(j, r);
      return;
    }
    await RB.reload();
    const again = document.getElementById('c-' + c.id);
    say(j.comment.status === 'pending' ? t('heldAfterEdit') : t('saved'), again?.querySelector('.rb-tools'));
    again?.querySelector('article').focus();
  });
  area.focus();
};

RB.reader.remove = (c, li) => {
  const status = note();
  const form = panel(li, 'rb-removing', h('p', {}, t('removeAsk')),
    h('p', { class: 'rb-actions' }, h('button', { type: 'submit', class: 'rb-submit rb-danger' }, t('removeYes')), ' ',
      button('rb-tool', t('keep'), () => close(form))),
    status);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const { r, j } = await api('DELETE', 'comments/' + c.id).catch(() => ({}));
    if (!r?.ok) {
      status.textContent = failed(j, r);
      return;
    }
    await RB.reload();
    say(t('removed'));
    document.getElementById('rb-title').focus();
  });
  form.querySelector('button').focus();
};
