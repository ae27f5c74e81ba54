// replybox thread app: The thread: a comment, and the list of them with replies nested to a fixed depth.
// One of the files src/assets.rs joins, in its order, into the one app.js it serves.
// ---- Thread
const heading = h('h2', { class: 'rb-title', id: 'rb-title' });
let list = h('ol', { class: 'rb-list' });

function headingText() {
  const title = thread.title || P.title;
  const n = thread.count;
  if (!n) return t('none');
  return title ? t('count', { n, t: title }) : t('countBare', { n });
}

function item(c, inReplyTo) {
  const a = c.author || {};
  const href = httpUrl(a.url);
  const name = href
    ? h('a', { href, rel: 'nofollow ugc noopener noreferrer', target: '_blank' }, a.name || '')
    : h('span', {}, a.name || '');
  const avatar = avatarUrl(a.avatar);
  const body = h('div', { class: 'rb-body' });
  if (c.status === 'deleted') body.append(h('p', { class: 'rb-note' }, t('deleted')));
  else body.innerHTML = c.html || ''; // sanitised by the server (ammonia): the only innerHTML here
  const canReply = !thread.locked && c.status === 'approved';
  return h('li', { class: 'rb-c', id: 'c-' + c.id },
    h('article', { class: 'rb-art' + (c.mine ? ' rb-mine' : ''), tabindex: '-1', 'aria-labelledby': 'n-' + c.id },
      avatar ? h('img', { class: 'rb-av', src: avatar, alt: '', width: 40, height: 40, loading: 'lazy' })
        : h('span', { class: 'rb-av' }),
      h('header', { class: 'rb-head' },
        h('strong', { class: 'rb-name', id: 'n-' + c.id }, name),
        a.provider && h('span', { class: 'rb-via' }, ' (' + pname(a.provider) + ')'),
        c.moderator && h('span', { class: 'rb-badge' }, t('moderator')),
        ' ',
        h('time', { class: 'rb-when', datetime: c.created, title: exact(c.created) }, ago(c.created)),
        inReplyTo != null && h('span', { class: 'rb-to' }, t('inReplyTo', { name: inReplyTo }))),
      c.status === 'pending' && h('p', { class: 'rb-pending' }, t('pending')),
      body,
      h('div', { class: 'rb-tools' },
        canReply && h('button', {
          type: 'button', class: 'rb-reply', 'aria-label': t('replyTo', { name: a.name || '' }),
          onclick: () => moveForm(c)
        }, t('reply')),
        RB.tools && RB.tools(c))));
}

function renderThread() {
  heading.textContent = headingText();
  const byId = new Map(comments.map((c) => [c.id, c]));
  const kids = new Map();
  for (const c of comments) {
    const p = byId.has(c.parent) ? c.parent : null; // an unseen parent: show at top level
    if (!kids.has(p)) kids.set(p, []);
    kids.get(p).push(c);
  }
  const top = h('ol', { class: 'rb-list' });
  (function walk(ol, parentId, depth) {
    for (const c of kids.get(parentId) || []) {
      const li = item(c, depth > MAX_DEPTH ? byId.get(c.parent).author?.name ?? '' : null);
      ol.append(li);
      if (depth < MAX_DEPTH) {
        const sub = h('ol', { class: 'rb-list rb-kids' });
        walk(sub, c.id, depth + 1);
        if (sub.firstChild) li.append(sub);
      } else {
        walk(ol, c.id, depth + 1); // deeper replies: flat at the deepest indent
      }
    }
  })(top, null, 0);
  list.replaceWith(top);
  list = top;
  reportHeight();
}
