// replybox reader tools: reporting a comment to the moderators, with a reason, once per reader.
RB.reader.report = (c, li) => {
  const name = 'rb-why-' + c.id;
  const status = note();
  const form = panel(li, 'rb-reporting',
    h('fieldset', {}, h('legend', {}, t('reportWhy')),
      ...['spam', 'abuse', 'off_topic', 'other'].map((why, i) =>
        h('label', { class: 'rb-check' }, h('input', { type: 'radio', name, value: why, checked: i === 0 }), ' ', t(why)))),
    h('p', { class: 'rb-actions' }, h('button', { type: 'submit', class: 'rb-submit' }, t('send')), ' ', button('rb-tool', t('dismiss'), () => close(form))),
    status);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const reason = form.querySelector('input:checked').value;
    const { r, j } = await api('POST', 'comments/' + c.id + '/flags', { reason }).catch(() => ({}));
    if (r?.ok || j?.error?.code === 'already_reported') {
      const done = r?.ok ? t('reported') : t('already_reported');
      const tools = form.nextElementSibling;
      form.remove();
      c.reported = true;
      tools.querySelector('.rb-report')?.remove();
      say(done, tools);
      tools.querySelector('button:not([disabled])')?.focus();
    } else {
      status.textContent = failed(j, r);
    }
  });
  form.querySelector('input').focus();
};
