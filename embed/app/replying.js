// replybox thread app: Rebuilding the form after sign-in or -out, and moving it under the comment replied to.
// One of the files src/assets.rs joins, in its order, into the one app.js it serves.
function rebuild() {
  const body = fields.body?.value || '';
  for (const k in fields) delete fields[k];
  respond.textContent = '';
  if (!thread.locked) buildForm();
  if (fields.body) fields.body.value = body;
  footer();
  moderatorTools();
  reportHeight();
}

function moveForm(c) {
  const previous = replyTo;
  replyTo = c;
  setStatus('', false);
  if (c) {
    $('c-' + c.id).querySelector('article').after(respond);
    leave.textContent = t('leaveTo', { name: c.author?.name ?? '' });
    cancel.hidden = false;
    fields.body.focus();
  } else {
    foot.before(respond);
    leave.textContent = t('leave');
    cancel.hidden = true;
    if (previous) $('c-' + previous.id)?.querySelector('.rb-reply')?.focus();
  }
  reportHeight();
}
