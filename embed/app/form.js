// replybox thread app: The reply form: guest fields or the signed-in viewer, provider buttons, notifications.
// One of the files src/assets.rs joins, in its order, into the one app.js it serves.
// ---- Form
const respond = h('section', { class: 'rb-respond', id: 'rb-respond', 'aria-labelledby': 'rb-leave' });
const fields = {};
let status, submit, leave, cancel;

function setStatus(text, isError) {
  if (!status) return say(text); // a locked thread has no form (a moderator may still sign in)
  status.textContent = text;
  status.className = 'rb-status' + (isError ? ' rb-err' : '');
}

function field(key, label, type, attrs) {
  const id = 'rb-' + key;
  const input = fields[key] = h(type === 'textarea' ? 'textarea' : 'input', { id, name: key, type: type === 'textarea' ? null : type, ...attrs });
  return h('p', { class: 'rb-field' },
    h('label', { for: id }, label, attrs.required ? h('span', { class: 'rb-req', 'aria-hidden': 'true' }, ' *') : null),
    input);
}

function buildForm() {
  leave = h('h3', { class: 'rb-leave', id: 'rb-leave' }, t('leave'));
  cancel = h('button', { type: 'button', class: 'rb-cancel', hidden: true, onclick: () => moveForm(null) }, t('cancel'));
  const guest = !viewer && site.guests !== false;
  const providers = viewer ? [] : site.providers || [];
  const intro = viewer ? t('signedIn', { name: viewer.name, p: viewer.provider ? ' (' + pname(viewer.provider) + ')' : '' })
    : guest ? (providers.length ? t('intro') : t('introGuest'))
      : providers.length ? t('introLogin') : null;
  status = h('p', { class: 'rb-status', id: 'rb-status', role: 'status', 'aria-live': 'polite' });
  submit = h('button', { type: 'submit', class: 'rb-submit' }, t('post'));
  const saved = (() => { try { return JSON.parse(load(GUEST)) || {}; } catch { return {}; } })();
  const form = h('form', { class: 'rb-form', novalidate: true, onsubmit: post },
    h('div', { class: 'rb-bar' }, leave, cancel),
    field('body', t('comment'), 'textarea', { rows: 5, required: true, 'aria-describedby': 'rb-hint' }),
    h('p', { class: 'rb-hint', id: 'rb-hint' }, t('hint')),
    intro && h('p', { class: 'rb-intro' }, intro,
      viewer && ' · ', viewer && h('button', { type: 'button', class: 'rb-out', onclick: logOut }, t('logout'))),
    providers.length ? h('div', { class: 'rb-providers' }, ...providers.map((p) =>
      h('button', { type: 'button', class: 'rb-provider', 'data-provider': p.id, title: t('loginWith', { name: p.name }), onclick: () => signIn(p) },
        h('img', { src: new URL('..' + p.icon, location.href), alt: '', width: 20, height: 20 }), p.name))) : null,
    guest && h('div', { class: 'rb-guest' },
      field('name', t('name'), 'text', { required: true, autocomplete: 'name' }),
      field('email', t('email'), 'email', { required: site.email === 'required', autocomplete: 'email' }),
      field('url', t('url'), 'url', { autocomplete: 'url', inputmode: 'url' })),
    guest && site.notifications && h('p', { class: 'rb-notify' }, check('notify_replies', t('notifyReplies')), check('notify_page', t('notifyPage'))),
    h('p', { class: 'rb-hp', 'aria-hidden': 'true' },
      fields.homepage = h('input', { name: 'homepage', type: 'text', tabindex: '-1', autocomplete: 'off' })),
    status,
    h('p', { class: 'rb-actions' }, submit, ' ', button('rb-tool', t('preview'), () => more().then((m) => m.preview(fields.body)))));
  for (const k of ['name', 'email', 'url']) if (fields[k] && saved[k]) fields[k].value = saved[k];
  respond.append(form);
}

function check(key, label) {
  return h('label', { class: 'rb-check' }, fields[key] = h('input', { type: 'checkbox', name: key }), ' ', label);
}
