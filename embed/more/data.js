// replybox reader tools: "Your data" — everything replybox holds about this browser's reader (an
// account's, across its browsers), downloaded as JSON or deleted, with the reader's choice of
// what becomes of their comments.
RB.reader.data = () => {
  const old = document.getElementById('rb-data');
  if (old) return old.querySelector('h3').focus();
  const status = note();
  const heading = h('h3', { class: 'rb-leave', tabindex: '-1' }, RB.t('yourData'));
  const actions = h('p', { class: 'rb-actions' },
    button('rb-submit', t('download'), download), ' ',
    button('rb-tool', t('deleteData'), ask), ' ',
    button('rb-tool', t('close'), () => { box.remove(); RB.foot.querySelector('.rb-data')?.focus(); }));
  const box = h('section', { id: 'rb-data', class: 'rb-panel', 'aria-label': RB.t('yourData') }, heading, h('p', {}, t('dataAbout')), actions, status);
  RB.foot.after(box);
  heading.focus();

  async function download() {
    const { r, j } = await api('GET', 'me/data').catch(() => ({}));
    if (!r?.ok) {
      status.textContent = failed(j, r);
      return;
    }
    const link = h('a', {
      href: URL.createObjectURL(new Blob([JSON.stringify(j, null, 2)], { type: 'application/json' })),
      download: 'replybox-data.json'
    });
    box.append(link);
    link.click();
    link.remove();
  }

  function ask() {
    if (box.querySelector('form')) return;
    const form = h('form', {},
      h('fieldset', {}, h('legend', {}, t('deleteData')),
        ...[['tombstone', 'keepPlaces'], ['remove', 'removePlaces']].map(([value, key], i) =>
          h('label', { class: 'rb-check' }, h('input', { type: 'radio', name: 'rb-comments', value, checked: i === 0 }), ' ', t(key)))),
      h('p', { class: 'rb-actions' }, h('button', { type: 'submit', class: 'rb-submit rb-danger' }, t('deleteAll'))));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const comments = form.querySelector('input:checked').value;
      const { r, j } = await api('DELETE', 'me/data', { site: RB.site, comments }).catch(() => ({}));
      if (!r?.ok) {
        status.textContent = failed(j, r);
        return;
      }
      RB.save(RB.CRED, null);
      RB.save(RB.GUEST, null);
      form.remove();
      actions.remove();
      RB.signedIn(null);
      status.textContent = t('dataDeleted');
      heading.focus();
    });
    actions.after(form);
    form.querySelector('input').focus();
  }
};
