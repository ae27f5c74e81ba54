// replybox moderator tools: loaded on demand by the thread app (start.js) when the viewer
// moderates the site, never by readers. Plugs into window.replybox (frame.js): sets
// replybox.tools to a function of a comment returning its moderator buttons, redraws the
// thread, and after each action reads the thread again and says what happened in a live
// region. Acts through POST /api/comments/{id}/moderation, the same actions as /admin.
// No dialogs: the ban asks for confirmation inside the comment's tool bar.
(() => {
  'use strict';
  const RB = window.replybox;
  if (!RB || RB.tools) return;
  const { h, api } = RB;

  // ---- Strings (English and German), by replybox.lang
  const STRINGS = {
    en: {
      approve: 'Approve', reject: 'Reject', spam: 'Spam', delete: 'Delete', pin: 'Pin', unpin: 'Unpin', ban: 'Ban',
      group: 'Moderate the comment by {name}',
      label: '{action}: the comment by {name}',
      banAsk: 'Ban {name} from this site?',
      banFor: 'For how long',
      forGood: 'for good',
      days: { one: '{n} day', other: '{n} days' },
      banConfirm: 'Ban {name}',
      cancel: 'Cancel',
      working: 'Working…',
      done: {
        approve: 'The comment by {name} is published.',
        reject: 'The comment by {name} is rejected.',
        spam: 'The comment by {name} is marked as spam.',
        delete: 'The comment by {name} is deleted.',
        pin: 'The comment by {name} is pinned.',
        unpin: 'The comment by {name} is no longer pinned.',
        ban: '{name} is banned from this site, and the comment is marked as spam.'
      },
      failed: {
        not_a_moderator: 'You do not moderate this site.',
        credential_required: 'Please sign in again.',
        invalid_credential: 'Please sign in again.',
        not_approved: 'Only a published comment can be pinned.',
        invalid_ban: 'There is nobody to ban for this comment.',
        not_found: 'This comment is gone.',
        rate_limited: 'Too many actions at once. Please wait a moment.',
        generic: 'That did not work. Please try again.'
      }
    },
    de: {
      approve: 'Freigeben', reject: 'Ablehnen', spam: 'Spam', delete: 'Löschen', pin: 'Anheften', unpin: 'Lösen', ban: 'Sperren',
      group: 'Kommentar von {name} moderieren',
      label: '{action}: Kommentar von {name}',
      banAsk: '{name} auf dieser Website sperren?',
      banFor: 'Wie lange',
      forGood: 'dauerhaft',
      days: { one: '{n} Tag', other: '{n} Tage' },
      banConfirm: '{name} sperren',
      cancel: 'Abbrechen',
      working: 'Einen Moment…',
      done: {
        approve: 'Der Kommentar von {name} ist veröffentlicht.',
        reject: 'Der Kommentar von {name} ist abgelehnt.',
        spam: 'Der Kommentar von {name} ist als Spam markiert.',
        delete: 'Der Kommentar von {name} ist gelöscht.',
        pin: 'Der Kommentar von {name} ist angeheftet.',
        unpin: 'Der Kommentar von {name} ist nicht mehr angeheftet.',
        ban: '{name} ist auf dieser Website gesperrt, der Kommentar als Spam markiert.'
      },
      failed: {
        not_a_moderator: 'Du moderierst diese Website nicht.',
        credential_required: 'Bitte melde dich noch einmal an.',
        invalid_credential: 'Bitte melde dich noch einmal an.',
        not_approved: 'Nur ein veröffentlichter Kommentar lässt sich anheften.',
        invalid_ban: 'Für diesen Kommentar gibt es niemanden zu sperren.',
        not_found: 'Diesen Kommentar gibt es nicht mehr.',
        rate_limited: 'Zu viele Aktionen auf einmal. Bitte warte einen Moment.',
        generic: 'Das hat nicht geklappt. Bitte versuche es noch einmal.'
      }
    }
  };
  const L = STRINGS[RB.lang] || STRINGS.en;
  const plural = new Intl.PluralRules(STRINGS[RB.lang] ? RB.lang : 'en');
  const fill = (s, vars) => s.replace(/\{(\w+)\}/g, (_, k) => vars[k] ?? '');
  const days = (n) => fill(L.days[plural.select(n)] || L.days.other, { n: n.toLocaleString(RB.lang) });
  const BAN_DAYS = [0, 1, 7, 30, 365];

  // ---- Looks: link-like buttons, as the thread's own Reply. Rules added to the frame's own
  // stylesheet through the CSSOM (which its CSP allows), so no stylesheet of our own is needed.
  const RULES = [
    '.rb-mod button{background:none;border:0;padding:.25rem 0;margin-right:.75rem;color:var(--accent);font-size:.875rem;font-weight:600}',
    '.rb-mod button:hover{text-decoration:underline}',
    '.rb-mod button:disabled{opacity:.6;cursor:progress}',
    '.rb-tools>*+.rb-mod{margin-left:.75rem}',
    '.rb-mod-live{margin:0 0 .5rem;font-size:.875rem}',
    '.rb-mod-live:empty{margin:0}'
  ];
  const sheet = [...document.styleSheets].find((s) => { try { return s.cssRules; } catch { return null; } });
  for (const rule of RULES) try { sheet?.insertRule(rule, sheet.cssRules.length); } catch { /* looks only */ }

  // ---- Saying what happened: a polite live region at the top of the thread.
  const live = h('p', { class: 'rb-mod-live', role: 'status', 'aria-live': 'polite', tabindex: '-1' });
  const say = (text, isError) => {
    live.textContent = text;
    live.className = 'rb-mod-live' + (isError ? ' rb-err' : '');
  };
  (document.getElementById('replybox') || document.body).prepend(live);

  const nameOf = (c) => c.author?.name || '';

  // ---- Acting, then reading the thread again and putting focus somewhere sensible.
  async function act(c, action, body, group) {
    for (const b of group.querySelectorAll('button, select')) b.disabled = true;
    say(L.working);
    const order = [...document.querySelectorAll('.rb-c')].map((li) => li.id);
    let answer = null;
    try {
      answer = await api('POST', `comments/${c.id}/moderation`, { action, ...body });
    } catch { /* network failure: said below */ }
    const ok = answer?.r.ok;
    const code = answer?.j?.error?.code;
    // The thread first, then the sentence: what is said is what is shown.
    await RB.reload().catch(() => {});
    say(ok ? fill(L.done[action], { name: nameOf(c) }) : (L.failed[code] || L.failed.generic), !ok);
    refocus(`c-${c.id}`, order);
  }

  // The comment itself if it is still shown (approved, pinned, a tombstone), else its nearest
  // neighbour that is, else the announcement.
  function refocus(id, order) {
    const at = order.indexOf(id);
    const near = [id, ...order.slice(at + 1), ...order.slice(0, Math.max(at, 0)).reverse()];
    for (const candidate of near) {
      const art = document.getElementById(candidate)?.querySelector('article');
      if (art) return art.focus();
    }
    live.focus();
  }

  function button(c, action, onclick) {
    const word = L[action];
    return h('button', {
      type: 'button', class: 'rb-mod-' + action, 'data-action': action,
      'aria-label': fill(L.label, { action: word, name: nameOf(c) }), onclick
    }, word);
  }

  // The ban's confirmation, inside the tool bar: how long, then Ban or Cancel (Escape cancels).
  function confirmBan(c, group) {
    const id = `rb-ban-${c.id}`;
    const select = h('select', { id, class: 'rb-mod-days' },
      ...BAN_DAYS.map((n) => h('option', { value: String(n) }, n ? days(n) : L.forGood)));
    const cancel = () => { group.replaceWith(tools(c)); document.querySelector(`#c-${c.id} .rb-mod-ban`)?.focus(); };
    const ask = h('span', { class: 'rb-mod rb-mod-confirm', role: 'group', 'aria-label': fill(L.banAsk, { name: nameOf(c) }),
      onkeydown: (e) => { if (e.key === 'Escape') cancel(); } },
    h('span', {}, fill(L.banAsk, { name: nameOf(c) }), ' '),
    h('label', { for: id }, L.banFor, ' '), select, ' ',
    h('button', { type: 'button', class: 'rb-mod-ban-confirm',
      onclick: () => act(c, 'ban', { days: Number(select.value) }, ask) }, fill(L.banConfirm, { name: nameOf(c) })),
    h('button', { type: 'button', class: 'rb-mod-ban-cancel', onclick: cancel }, L.cancel));
    group.replaceWith(ask);
    select.focus();
  }

  // ---- The buttons a comment gets, by its status.
  function tools(c) {
    if (!RB.viewer()?.moderator || !c || !['pending', 'approved'].includes(c.status)) return null;
    const group = h('span', { class: 'rb-mod', role: 'group', 'aria-label': fill(L.group, { name: nameOf(c) }) });
    const pending = c.status === 'pending';
    const actions = pending ? ['approve', 'reject', 'spam'] : ['reject', 'spam', 'delete', c.pinned ? 'unpin' : 'pin'];
    for (const action of actions) group.append(button(c, action, () => act(c, action, {}, group)));
    // A moderator's own comment has no author to ban.
    if (!c.moderator) group.append(button(c, 'ban', () => confirmBan(c, group)));
    return group;
  }

  RB.tools = tools;
  RB.rerender();
})();
