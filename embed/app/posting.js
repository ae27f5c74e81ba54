// replybox thread app: Posting a comment, and saying clearly what went wrong.
// One of the files src/assets.rs joins, in its order, into the one app.js it serves.
// Field each error code belongs to, so it can be marked and focused.
const FIELD_OF = {
  comment_empty: 'body', comment_too_long: 'body', payload_too_large: 'body',
  name_required: 'name', name_too_long: 'name',
  email_required: 'email', invalid_email: 'email', invalid_url: 'url'
};

// The sentence for an error code (with the seconds a rate limit asks to wait).
function errorText(code, retryAfter) {
  if (code === 'rate_limited') {
    const secs = /^\d+$/.test(retryAfter || '') ? +retryAfter : Math.ceil((Date.parse(retryAfter) - Date.now()) / 1000);
    return secs > 0 ? t('rate_limited', { n: secs }) : t('rate_limited_soon');
  }
  return Object.hasOwn(STRINGS, code) && typeof STRINGS[code] === 'string' ? t(code) : t('generic');
}

function showError(code, retryAfter) {
  const text = errorText(code, retryAfter);
  setStatus(text, true);
  const f = fields[FIELD_OF[code]];
  if (f) {
    f.setAttribute('aria-invalid', 'true');
    f.focus();
  } else {
    submit.focus();
  }
}

async function post(e) {
  e.preventDefault();
  if (busy) return;
  for (const k in fields) fields[k].removeAttribute('aria-invalid');
  const v = (k) => (fields[k] ? fields[k].value.trim() : '');
  const author = { name: v('name'), email: v('email'), url: v('url') || null };
  if (fields.name) save(GUEST, JSON.stringify(author));
  // The server checks all of this again; checking here just saves a round trip.
  const early = !v('body') ? 'comment_empty'
    : fields.name && !author.name ? 'name_required'
      : fields.email?.required && !author.email ? 'email_required' : null;
  if (early) return showError(early);
  busy = true;
  submit.disabled = true;
  submit.textContent = t('posting');
  setStatus('', false);
  let failed = null; // [code, Retry-After] once something went wrong
  try {
    const { r, j } = await api('POST', 'comments', {
      site: P.site, uri: P.uri, title: P.title || null,
      parent: replyTo ? replyTo.id : null, body: fields.body.value, author,
      honeypot: fields.homepage.value, compose_ms: Date.now() - shown,
      notify_replies: !!fields.notify_replies?.checked, notify_page: !!fields.notify_page?.checked
    });
    if (r.status === 201 && j?.comment) {
      const c = { ...j.comment, mine: true };
      comments.push(c);
      if (c.status === 'approved') thread.count++;
      fields.body.value = '';
      moveForm(null);
      renderThread();
      footer();
      const asked = fields.notify_replies?.checked || fields.notify_page?.checked;
      setStatus((c.status === 'approved' ? t('posted') : t('pending')) + (asked ? ' ' + t('checkMail') : ''), false);
      $('c-' + c.id)?.querySelector('article').focus();
    } else {
      failed = [j?.error?.code, r.headers.get('Retry-After')];
    }
  } catch {
    failed = [null];
  }
  busy = false;
  submit.disabled = false; // before showError, which may focus the button
  submit.textContent = t('post');
  if (failed) showError(...failed);
}
