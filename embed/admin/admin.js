// Keyboard shortcuts for the queue, on top of plain forms: j/k move between cards,
// a approve, t approve & trust, r reject, s spam, x tick the card for a bulk action.
(function () {
  'use strict';
  var cards = function () { return Array.prototype.slice.call(document.querySelectorAll('.card')); };
  document.addEventListener('keydown', function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey || /^(INPUT|TEXTAREA|SELECT)$/.test(e.target.tagName)) return;
    var all = cards();
    if (!all.length) return;
    var current = document.activeElement && document.activeElement.closest ? document.activeElement.closest('.card') : null;
    var i = all.indexOf(current);
    if (e.key === 'j' || e.key === 'k') {
      var next = all[Math.max(0, Math.min(all.length - 1, i + (e.key === 'j' ? 1 : -1)))] || all[0];
      next.focus();
      e.preventDefault();
      return;
    }
    if (!current) return;
    if (e.key === 'x') {
      var box = current.querySelector('input[type=checkbox]');
      if (box) box.checked = !box.checked;
      e.preventDefault();
      return;
    }
    var button = current.querySelector('button[data-key="' + e.key + '"]');
    if (button) {
      e.preventDefault();
      button.click();
    }
  });
  // Land on the first card so the keys work at once.
  var first = cards()[0];
  if (first && !document.querySelector('[autofocus]')) first.focus();
})();
