// replybox thread app: The thread: a comment with its tools, and the list of them — pinned first,
// sorted as the reader chose, replies nested to a fixed depth, drawn a screenful at a time.
// One of the files src/assets.rs joins, in its order, into the one app.js it serves.
// ---- Thread
const SORT = 'replybox.sort';
const sortBy = h('select', { id: 'rb-sort', onchange: () => { save(SORT, sortBy.value); renderThread(); } },
  ...['oldest', 'newest', 'best'].map((k) => h('option', { value: k }, t(k))));
sortBy.value = /^(newest|best)$/.test(load(SORT)) ? load(SORT) : 'oldest';
const heading = h('h2', { class: 'rb-title', id: 'rb-title' });
const bar = h('div', { class: 'rb-head-bar' }, heading,
  h('label', { class: 'rb-sort' }, t('sortBy') + ' ', sortBy));
let list = h('ol', { class: 'rb-list' });

function headingText() {
  const title = thread.title || P.title;
  const n = thread.count;
  if (!n) return t('none');
  return title ? t('count', { n, t: title }) : t('countBare', { n });
}

// Where a comment lives on the embedding page (the canonical path the loader gave us).
const permalink = (c) => (PARENT && P.uri.startsWith('/') ? PARENT + P.uri : P.uri) + '#comment-' + c.id;
const answerable = (c) => !thread.locked && c.status === 'approved';
const editable = (c) => c.mine && c.editable_until && Date.parse(c.editable_until) > Date.now();

function item(c, inReplyTo) {
  const a = c.author || {};
  const href = httpUrl(a.url);
  const name = href
    ? h('a', { href, rel: 'nofollow ugc noopener noreferrer', target: '_blank' }, a.name || '')
    : h('span', {}, a.name || '');
  const avatar = avatarUrl(a.avatar);
  const body = h('div', { class: 'rb-body' });
  if (c.status === 'deleted') body.append(h('p', { class: 'rb-note' }, t('deleted')));
  else body.innerHTML = c.html || ''; // sanitised by the server (ammonia); see also more/preview.js
  const live = c.status !== 'deleted';
  const tool = (key, fn) => button('rb-tool rb-' + key, t(key), () => fn(c, li));
  const li = h('li', { class: 'rb-c', id: 'c-' + c.id },
    h('article', { class: 'rb-art' + (c.mine ? ' rb-mine' : '') + (c.pinned ? ' rb-pinned' : ''), tabindex: '-1', 'aria-labelledby': 'n-' + c.id },
      avatar ? h('img', { class: 'rb-av', src: avatar, alt: '', width: 40, height: 40, loading: 'lazy' })
        : h('span', { class: 'rb-av' }),
      h('header', { class: 'rb-head' },
        h('strong', { class: 'rb-name', id: 'n-' + c.id }, name),
        a.provider && h('span', { class: 'rb-via' }, ' (' + pname(a.provider) + ')'),
        c.moderator && h('span', { class: 'rb-badge' }, t('moderator')),
        c.pinned && h('span', { class: 'rb-badge rb-pin' }, t('pinned')),
        ' ',
        h('a', { class: 'rb-when', href: permalink(c), target: '_top', title: t('permalink'), onclick: (e) => { e.preventDefault(); tell({ type: 'replybox:permalink', id: c.id }); } },
          h('time', { datetime: c.created, title: exact(c.created) }, ago(c.created))),
        c.edited && live && h('span', { class: 'rb-edited', title: exact(c.edited) }, t('edited')),
        inReplyTo != null && h('span', { class: 'rb-to' }, t('inReplyTo', { name: inReplyTo }))),
      c.status === 'pending' && h('p', { class: 'rb-pending' }, c.mine ? t('pending') : t('held')),
      body,
      live && h('div', { class: 'rb-tools' },
        answerable(c) && button('rb-reply', t('reply'), () => moveForm(c), { 'aria-label': t('replyTo', { name: a.name || '' }) }),
        c.status === 'approved' && likeButton(c),
        c.status === 'approved' && !c.mine && !c.reported && tool('report', (x, el) => more().then((m) => m.report(x, el))),
        editable(c) && tool('edit', (x, el) => more().then((m) => m.edit(x, el))),
        editable(c) && tool('remove', (x, el) => more().then((m) => m.remove(x, el))),
        RB.tools && RB.tools(c))));
  return li;
}

// ---- Likes: counted by the server, one per reader; the reader's own comment shows its count only.
function likeButton(c) {
  const label = t('likes', { n: c.likes || 0 });
  if (c.mine) return h('span', { class: 'rb-likes', title: label }, '♥ ' + (c.likes || 0));
  return button('rb-like', '♥ ' + (c.likes || 0), async (e) => {
    const b = e.currentTarget;
    b.disabled = true;
    const { r, j } = await api(c.liked ? 'DELETE' : 'POST', 'comments/' + c.id + '/likes').catch(() => ({ r: {} }));
    if (r.ok) {
      // This button alone changes: a reply or an edit being written elsewhere stays as it is,
      // and the list keeps its order under the reader's pointer until it is drawn again.
      Object.assign(c, { likes: j.likes, liked: j.liked });
      const again = likeButton(c);
      b.replaceWith(again);
      again.focus();
    } else {
      b.disabled = false;
      say(errorText(j?.error?.code, r.headers?.get('Retry-After')), b);
    }
  }, { 'aria-pressed': String(!!c.liked), 'aria-label': t('like') + ', ' + label });
}

// ---- The list: pinned first, then top-level threads in the reader's order (replies stay in
// the order they were written), drawn a screenful at once and the rest in slices after it, so a
// long thread shows at once and stays responsive.
const FIRST = 20;
const SLICE_MS = 100;
let drawing = 0; // which drawing is current: a new one abandons the slices of the old

function renderThread(target = replyTo?.id) {
  heading.textContent = headingText();
  const byId = new Map(comments.map((c) => [c.id, c]));
  const kids = new Map();
  for (const c of comments) {
    const p = byId.has(c.parent) ? c.parent : null; // an unseen parent: show at top level
    if (!kids.has(p)) kids.set(p, []);
    kids.get(p).push(c);
  }
  const order = sortBy.value;
  const top = [...(kids.get(null) || [])].sort((a, b) => (!!b.pinned - !!a.pinned)
    || (order === 'newest' ? b.id - a.id : order === 'best' ? (b.likes || 0) - (a.likes || 0) || a.id - b.id : a.id - b.id));
  const ol = h('ol', { class: 'rb-list' });
  // A comment, and its replies under it (deeper than MAX_DEPTH: flat, saying whom they answer).
  const branch = (into, c, depth) => {
    const li = item(c, depth > MAX_DEPTH ? byId.get(c.parent).author?.name ?? '' : null);
    into.append(li);
    const replies = kids.get(c.id) || [];
    if (!replies.length) return;
    const sub = depth < MAX_DEPTH ? li.appendChild(h('ol', { class: 'rb-list rb-kids' })) : into;
    for (const r of replies) branch(sub, r, depth + 1);
  };
  // Threads from..to, built apart and added in one go (one insertion, not one per comment).
  const draw = (from, to) => {
    const part = document.createDocumentFragment();
    for (const c of top.slice(from, to)) branch(part, c, 0);
    ol.append(part);
  };
  // A comment asked for (a permalink) is drawn in the first go, however deep it sits.
  let first = byId.get(target);
  while (first && byId.has(first.parent)) first = byId.get(first.parent);
  let upTo = Math.max(FIRST, top.indexOf(first) + 1);
  draw(0, upTo);
  list.replaceWith(ol);
  list = ol;
  // The reply form was under a comment of the old list: under the same comment in the new one.
  if (replyTo) {
    const at = $('c-' + replyTo.id);
    if (at) at.querySelector('article').after(respond);
    else moveForm(null);
  }
  quiet = false;
  reportHeight();
  const mine = ++drawing;
  // The rest once the first screen is painted (after a frame; a frame out of view gets none, so
  // 100 ms at the most), SLICE_MS of drawing at a time, the page painting and answering between.
  const next = () => {
    if (mine !== drawing) return;
    const until = performance.now() + SLICE_MS;
    while (upTo < top.length && performance.now() < until) draw(upTo, upTo += 20);
    if (upTo < top.length) return setTimeout(next);
    quiet = false;
    reportHeight();
  };
  if (upTo < top.length) {
    quiet = true;
    let started = false;
    const start = () => started || (started = true, next());
    requestAnimationFrame(() => setTimeout(start));
    setTimeout(start, 100);
  }
}

// Scrolls the embedding page to a comment and marks it (a permalink, or one the reader asked for).
function show(id) {
  if (!$('c-' + id)) renderThread(id);
  const art = $('c-' + id)?.querySelector('article');
  if (!art) return;
  for (const old of document.querySelectorAll('.rb-target')) old.classList.remove('rb-target');
  art.classList.add('rb-target');
  art.focus({ preventScroll: true });
  reportHeight(true); // the loader resizes before it scrolls: messages arrive in order
  tell({ type: 'replybox:scroll', top: Math.max(0, art.getBoundingClientRect().top + scrollY - 16) });
}
