// replybox reader tools: what they show, in each language the widget speaks (the reader app's
// own sentences are in embed/app/lang/; every language has every key, a test checks). Joined by
// src/assets.rs, in order, into more.js, which the reader app loads the first time a reader
// edits, deletes, reports, previews, signs in or opens "Your data".
const RB = window.replybox;
const { api, h, t, button, say } = RB;
const MORE = {
  en: {
    reportWhy: 'Why should a moderator look at this comment?',
    spam: 'Spam or advertising',
    abuse: 'Abusive or hateful',
    off_topic: 'Off-topic',
    other: 'Something else',
    send: 'Send report',
    dismiss: 'Cancel',
    reported: 'Thank you — a moderator will look at it.',
    already_reported: 'You already reported this comment.',
    editing: 'Edit your comment',
    save: 'Save changes',
    saved: 'Your changes were saved.',
    heldAfterEdit: 'Your changes are awaiting moderation.',
    removeAsk: 'Delete your comment? Replies to it stay.',
    removeYes: 'Delete comment',
    keep: 'Keep it',
    removed: 'Your comment was deleted.',
    edit_window_closed: 'It is too late to change this comment.',
    not_your_comment: 'Only its author can change this comment.',
    previewTitle: 'Preview',
    previewEmpty: 'Nothing to preview yet.',
    dataAbout: 'replybox keeps the comments, likes, reports and email subscriptions of this browser — of your account, in every browser, when you are logged in. You can download them, or delete them.',
    download: 'Download (JSON)',
    deleteData: 'Delete my data…',
    keepPlaces: 'Leave “deleted” where my comments were (replies to them stay)',
    removePlaces: 'Remove my comments (where others replied, a “deleted” placeholder stays)',
    deleteAll: 'Delete everything',
    dataDeleted: 'Your data was deleted, and this browser no longer holds a key to it.',
    close: 'Close',
    credential_required: 'This browser holds no data here.',
    popupBlocked: 'Please allow pop-ups to log in.',
    sign_in_denied: 'Log-in was cancelled.'
  },
  de: {
    reportWhy: 'Warum sollte sich die Moderation diesen Kommentar ansehen?',
    spam: 'Spam oder Werbung',
    abuse: 'Beleidigend oder hasserfüllt',
    off_topic: 'Gehört nicht zum Thema',
    other: 'Etwas anderes',
    send: 'Meldung senden',
    dismiss: 'Abbrechen',
    reported: 'Danke — die Moderation sieht sich das an.',
    already_reported: 'Du hast diesen Kommentar schon gemeldet.',
    editing: 'Deinen Kommentar bearbeiten',
    save: 'Änderungen speichern',
    saved: 'Deine Änderungen wurden gespeichert.',
    heldAfterEdit: 'Deine Änderungen warten auf Freischaltung.',
    removeAsk: 'Deinen Kommentar löschen? Antworten darauf bleiben.',
    removeYes: 'Kommentar löschen',
    keep: 'Behalten',
    removed: 'Dein Kommentar wurde gelöscht.',
    edit_window_closed: 'Dieser Kommentar kann nicht mehr geändert werden.',
    not_your_comment: 'Nur wer ihn geschrieben hat, kann diesen Kommentar ändern.',
    previewTitle: 'Vorschau',
    previewEmpty: 'Noch nichts für die Vorschau.',
    dataAbout: 'replybox speichert die Kommentare, „Gefällt mir“-Angaben, Meldungen und E-Mail-Abos dieses Browsers — deines Kontos in jedem Browser, wenn du angemeldet bist. Du kannst sie herunterladen oder löschen.',
    download: 'Herunterladen (JSON)',
    deleteData: 'Meine Daten löschen …',
    keepPlaces: '„Gelöscht“ dort stehen lassen, wo meine Kommentare waren (Antworten darauf bleiben)',
    removePlaces: 'Meine Kommentare entfernen (wo andere geantwortet haben, bleibt ein „Gelöscht“)',
    deleteAll: 'Alles löschen',
    dataDeleted: 'Deine Daten wurden gelöscht; dieser Browser hat keinen Schlüssel mehr dazu.',
    close: 'Schließen',
    credential_required: 'Dieser Browser hat hier keine Daten.',
    popupBlocked: 'Bitte erlaube Pop-ups zum Anmelden.',
    sign_in_denied: 'Die Anmeldung wurde abgebrochen.'
  }
};
Object.assign(RB.strings, MORE[RB.lang] || MORE.en);
RB.reader = {};

// A small form under a comment (a report, an edit, a deletion to confirm): one at a time per
// comment; `Escape` or its cancel button closes it and gives the focus back.
function panel(li, cls, ...kids) {
  const art = li.querySelector('article');
  // One form at a time: another one open (an edit hides the text) gives way with the text back.
  const open = art.querySelector('.rb-panel');
  if (open) {
    open.remove();
    art.querySelector('.rb-body')?.removeAttribute('hidden');
  }
  const form = h('form', { class: 'rb-panel ' + cls, onkeydown: (e) => e.key === 'Escape' && close(form) }, ...kids);
  art.querySelector('.rb-tools').before(form);
  return form;
}
function close(form) {
  const art = form.closest('article');
  form.remove();
  art?.querySelector('.rb-body')?.removeAttribute('hidden');
  art?.querySelector('.rb-tools button')?.focus();
}
const note = () => h('p', { class: 'rb-status', role: 'status', 'aria-live': 'polite' });
const failed = (j, r) => RB.errorText(j?.error?.code, r?.headers?.get('Retry-After'));
