"""CSS and page scripts of the chat UI (kept in Python so they ship with the package)."""
from __future__ import annotations

import json

from .strings import page_texts

__all__ = ["CSS", "HEAD", "SOURCES_JS", "VIEWER_JS", "COPY_JS", "CONFIRM_DELETE_JS"]

CSS = r"""

/* header: title and tagline, the interface language switch at the end of the row */
#app-top { align-items: center; gap: .25rem 1rem; flex-wrap: wrap; }
#app-top > #header { flex: 1 1 240px; min-width: 0; }
#ui-lang { flex: 0 0 auto !important; width: auto !important; }
#ui-lang .wrap { flex-wrap: nowrap; gap: .35rem; }
#app-header { display: flex; align-items: baseline; gap: .75rem; flex-wrap: wrap; margin: .25rem 0 .1rem; }
#app-header h1 { font-size: 1.45rem; font-weight: 700; margin: 0; letter-spacing: -.01em; }
#app-header .tagline { color: var(--body-text-color-subdued); font-size: .95rem; }
.status-line { display: flex; flex-wrap: wrap; gap: .35rem 1.1rem; font-size: .85rem;
  color: var(--body-text-color-subdued); padding: .1rem 0 .3rem; }
.status-line b { color: var(--body-text-color); font-weight: 600; }
.banner { display: flex; gap: .6rem; align-items: flex-start; padding: .65rem .85rem; border-radius: 10px;
  font-size: .92rem; line-height: 1.45; margin: .2rem 0 .4rem; }
.banner-warn { background: #fff7e6; color: #6b4300; border: 1px solid #f3c773; }
.dark .banner-warn { background: #3a2a07; color: #ffe2a8; border-color: #8a6410; }
.banner-icon { font-size: 1.1rem; line-height: 1.2; }

/* chat messages */
#chatbot .message-content .prose p { margin: 0 0 .55em; }
#chatbot .message-content .prose p:last-child { margin-bottom: 0; }
a.cite { display: inline-block; min-width: 1.55em; padding: 0 .3em; margin: 0 .08em; border-radius: .55em;
  background: var(--color-accent-soft); color: var(--color-accent) !important; font-weight: 700;
  font-size: .82em; line-height: 1.45; text-align: center; text-decoration: none !important;
  vertical-align: .08em; cursor: pointer; border: 1px solid transparent; }
a.cite:hover, a.cite:focus-visible { border-color: var(--color-accent); }
.dark a.cite { background: rgba(99, 102, 241, .22); color: #c7d2fe !important; }
.unsupported { text-decoration: underline wavy #d97706; text-decoration-thickness: 1px;
  text-underline-offset: 3px; background: rgba(217, 119, 6, .08); }
.badge-unsupported { display: inline-block; font-size: .72em; font-weight: 700; text-transform: uppercase;
  letter-spacing: .04em; padding: .05em .45em; border-radius: .5em; background: #fde68a; color: #78350f;
  vertical-align: .1em; }
.dark .badge-unsupported { background: #78350f; color: #fde68a; }
.refusal .refusal-text { font-weight: 600; }
.refusal { border-left: 3px solid var(--color-accent); padding-left: .7em; }
.answer-kind { font-size: .85em; color: var(--body-text-color-subdued); margin-top: .35em; }
.retrieval-only ol { margin: .35em 0 0 1.2em; padding: 0; }
.retrieval-only a.rel { color: var(--color-accent) !important; }
.notice { margin-top: .55em; font-size: .85em; padding: .4em .6em; border-radius: 8px;
  background: #fff7e6; color: #6b4300; border: 1px solid #f3c773; }
.dark .notice { background: #3a2a07; color: #ffe2a8; border-color: #8a6410; }
.chat-error { color: #b42318; }
.dark .chat-error { color: #fda29b; }
.error-hint { font-size: .88em; margin-top: .3em; color: var(--body-text-color-subdued); }
.draft { opacity: .8; }
.draft-label, .pending { font-size: .85em; color: var(--body-text-color-subdued); }
.draft-label { font-style: italic; margin-bottom: .3em; }
.pending { display: flex; align-items: center; gap: .5em; }
.dots { display: inline-flex; gap: 3px; }
.dots i { width: 6px; height: 6px; border-radius: 50%; background: var(--color-accent); opacity: .3;
  animation: newsrag-blink 1.2s infinite ease-in-out; }
.dots i:nth-child(2) { animation-delay: .2s; } .dots i:nth-child(3) { animation-delay: .4s; }
@keyframes newsrag-blink { 0%, 80%, 100% { opacity: .25; } 40% { opacity: 1; } }

.elapsed { font-variant-numeric: tabular-nums; color: var(--body-text-color-subdued); }
.draft-stopped { opacity: .75; }

/* thumbs only under finished answers, never under a progress line, a draft, a stopped draft or an error */
/* (Gradio prefixes every comma-separated selector of this sheet: no selector lists inside :has() or :is()) */
#chatbot .message-row:has(.no-rating) + .message-buttons { display: none !important; }

/* example questions: chips that look (and are) clickable */
#chatbot button.example { border: 1px solid var(--border-color-primary) !important; border-radius: 12px !important;
  background: var(--block-background-fill) !important; box-shadow: 0 1px 2px rgba(15, 23, 42, .06);
  cursor: pointer; transition: border-color .15s, box-shadow .15s, transform .15s; text-align: left; }
#chatbot button.example:hover, #chatbot button.example:focus-visible { border-color: var(--color-accent) !important;
  box-shadow: 0 2px 8px rgba(79, 70, 229, .18); transform: translateY(-1px); }

/* input + action rows: each action shows only when it applies */
#chat-col:not(:has(#chatbot .busy)) #stop-btn,
#chat-col:not(:has(#chatbot [data-testid='bot'])) #retry-btn,
#chat-col:has(#chatbot .busy) #retry-btn,
#chat-col:not(:has(#chatbot .answer)) #copy-btn,
#chat-col:has(#chatbot .busy) #copy-btn,
#chat-col:not(:has(#chatbot [data-testid='user'])) #clear-btn { display: none !important; }
.q-count { font-size: .78rem; color: var(--body-text-color-subdued); text-align: right; padding: .15rem .2rem 0;
  font-variant-numeric: tabular-nums; }
.q-count.full { color: #b42318; font-weight: 600; }
.dark .q-count.full { color: #fda29b; }
#question textarea { font-size: 1rem; }
#chat-actions { gap: .4rem; flex-wrap: wrap; }
#chat-actions button { min-width: 0 !important; flex: 1 1 auto; }
#feedback-row { align-items: flex-end; }

/* sources panel */
#side-col { gap: .6rem; }
.sources, .panel-empty { display: flex; flex-direction: column; gap: .55rem; }
.panel-title, .panel-empty-title { font-weight: 700; font-size: 1rem; }
.panel-q { font-size: .82rem; color: var(--body-text-color-subdued); overflow: hidden; margin-top: -.35rem;
  display: -webkit-box; -webkit-line-clamp: 2; -webkit-box-orient: vertical; overflow-wrap: anywhere; }
.sources, .src-card, .viewer { min-width: 0; max-width: 100%; overflow-wrap: anywhere; }
.panel-empty p { color: var(--body-text-color-subdued); font-size: .9rem; line-height: 1.5; margin: 0; }
.cite-demo { font-weight: 700; color: var(--color-accent); }
.src-card { border: 1px solid var(--border-color-primary); border-radius: 12px; padding: .65rem .75rem;
  background: var(--block-background-fill); cursor: pointer; transition: border-color .15s, box-shadow .15s; }
.src-card:hover, .src-card:focus-visible { border-color: var(--color-accent);
  box-shadow: 0 1px 6px rgba(79, 70, 229, .15); outline: none; }
.src-card.active { border-color: var(--color-accent); box-shadow: 0 0 0 2px var(--color-accent-soft); }
.src-head { display: flex; gap: .45rem; align-items: baseline; }
.src-n { font-weight: 800; color: var(--color-accent); flex: none; }
.rel-n { display: inline-grid; place-items: center; width: 1.4em; height: 1.4em; border-radius: 50%;
  font-size: .8em; background: var(--background-fill-secondary); color: var(--body-text-color-subdued); }
.src-title { font-weight: 600; line-height: 1.35; }
.src-meta { font-size: .8rem; color: var(--body-text-color-subdued); margin: .2rem 0 .1rem; }
.src-meta a.ext { color: var(--color-accent); text-decoration: none; }
.src-meta a.ext:hover { text-decoration: underline; }
.src-quote { margin: .35rem 0 .25rem; padding: .15rem 0 .15rem .65rem; border-left: 3px solid #f59e0b;
  font-size: .9rem; line-height: 1.5; color: var(--body-text-color); }
.src-card.related .src-quote { border-left-color: var(--border-color-primary);
  color: var(--body-text-color-subdued); }
.src-flag { margin: .2rem 0; font-size: .8rem; color: #b45309; }
.src-open { font-size: .8rem; color: var(--color-accent) !important; text-decoration: none; font-weight: 600; }
.panel-note { color: var(--body-text-color-subdued); font-size: .9rem; }
.src-card.reading { cursor: default; }
.reading-mark { display: inline-block; font-size: .75rem; font-weight: 600; color: var(--color-accent);
  background: var(--color-accent-soft); border-radius: 999px; padding: .05rem .5rem; margin-top: .2rem;
  animation: newsrag-blink 1.6s infinite ease-in-out; }
.sources.stopped .reading-mark { display: none; }
#sources .src-quote { margin: .4rem 0 .3rem !important; padding: .1rem 0 .1rem .65rem !important; }
#sources .src-meta { margin: .15rem 0 0 !important; }
#sources .src-card > * + * { margin-top: 0; }

/* article viewer */
.viewer { border: 1px solid var(--border-color-primary); border-radius: 12px; overflow: hidden;
  background: var(--block-background-fill); }
.viewer-head { padding: .7rem .85rem .55rem; border-bottom: 1px solid var(--border-color-primary);
  background: var(--background-fill-secondary); }
.viewer-title { font-weight: 700; font-size: 1.02rem; line-height: 1.35; }
.viewer-doc { font-size: .75rem; color: var(--body-text-color-subdued); font-family: var(--font-mono); }
.viewer-label { font-size: .8rem; margin-top: .25rem; color: var(--body-text-color-subdued); }
.viewer-body { white-space: pre-wrap; overflow-wrap: anywhere; max-height: 460px; overflow-y: auto;
  padding: .8rem .9rem; font-size: .95rem; line-height: 1.65; }
mark.hl { background: #fde68a; color: #1f2937; border-radius: 3px; padding: .05em .1em;
  box-shadow: 0 0 0 2px #fde68a; animation: newsrag-flash 1.4s ease-out 1; }
.dark mark.hl { background: #a16207; color: #fff; box-shadow: 0 0 0 2px #a16207; }
@keyframes newsrag-flash { 0% { box-shadow: 0 0 0 6px #f59e0b; } 100% { box-shadow: 0 0 0 2px #fde68a; } }
#viewer-close { align-self: flex-start; width: auto !important; min-width: 0 !important; flex: none !important;
  padding-left: .9rem !important; padding-right: .9rem !important; }

/* library / evals */
#library-table, #eval-rows { font-size: .9rem; }
#library-table table, #eval-rows table, #eval-summary table,
#library-table .cell-wrap, #eval-rows .cell-wrap, #eval-summary .cell-wrap { font-family: var(--font) !important; }
/* tables: headers on one line, words never broken in the middle (only a token longer than its column wraps, at
   the column's edge); columns keep a readable minimum width and a table wider than the screen scrolls sideways */
#library-table .virtual-table-viewport, #eval-rows .virtual-table-viewport,
#eval-summary .virtual-table-viewport { overflow-x: auto !important; }
#library-table th .text, #eval-rows th .text, #eval-summary th .text, #library-table th .cell-wrap,
#eval-rows th .cell-wrap, #eval-summary th .cell-wrap {
  white-space: nowrap !important; word-break: normal !important; overflow-wrap: normal !important; }
#library-table .body-cell .text, #eval-rows .body-cell .text, #eval-summary .body-cell .text {
  word-break: normal !important; overflow-wrap: break-word !important; hyphens: manual; }
#library-table th:nth-child(1), #library-table .body-cell:nth-child(1) { min-width: 13em !important; }
#library-table th:nth-child(2), #library-table .body-cell:nth-child(2) { min-width: 6.6em !important; }
#library-table th:nth-child(3), #library-table .body-cell:nth-child(3) { min-width: 7.6em !important; }
#library-table th:nth-child(4), #library-table .body-cell:nth-child(4) { min-width: 6em !important; }
#library-table th:nth-child(5), #library-table .body-cell:nth-child(5) { min-width: 14em !important; }
#library-table .body-cell:nth-child(5) .text { font-size: .88em; }
#library-table .body-cell:nth-child(2) .text { white-space: nowrap !important; }
#eval-rows th:nth-child(-n+2), #eval-rows .body-cell:nth-child(-n+2), #eval-rows th:nth-child(4),
#eval-rows .body-cell:nth-child(4) { min-width: 5.5em !important; }
#eval-rows th:nth-child(3), #eval-rows .body-cell:nth-child(3), #eval-rows th:last-child,
#eval-rows .body-cell:last-child { min-width: 16em !important; }
#eval-rows th:nth-child(n+5):not(:last-child),
#eval-rows .body-cell:nth-child(n+5):not(:last-child) { min-width: 12em !important; }
#delete-btn { color: #b42318; border-color: #f4b4ae; }
.dark #delete-btn { color: #fda29b; border-color: #7a271a; }
.hint { color: var(--body-text-color-subdued); font-size: .88rem; }
.check-ok { color: #15803d; font-weight: 700; } .check-no { color: #b42318; font-weight: 700; }
.dark .check-ok { color: #4ade80; } .dark .check-no { color: #fda29b; }
table.checks { width: 100%; border-collapse: collapse; font-size: .88rem; border: none !important; }
#checks table, #checks tr, #checks tbody { border: none !important; box-shadow: none !important; }
table.checks td { padding: .3rem .4rem; border: none !important; vertical-align: top;
  border-bottom: 1px solid var(--border-color-primary) !important; }

/* phones */
@media (max-width: 640px) {
  #app-header { margin-top: 0; }
  #app-header h1 { font-size: 1.2rem; }
  #app-header .tagline { display: none; }
  .status-line { font-size: .78rem; gap: .15rem .8rem; }
  .viewer-body { max-height: 60vh; }
  #chatbot { height: 58vh !important; }
}
"""

# Runs once per page: any click on a citation marker ([n] in an answer), a source card or a related passage
# becomes a "cite" event of the sources panel (whose js_on_load stores its `trigger` in window.__newsragCite).
# window.__newsragText(id, values) gives a message of ui.strings (ids "js.…") in the interface language, which the
# language switch writes to <html data-newsrag-lang>.
HEAD = r"""
<meta name="color-scheme" content="light dark">
<style>
/* outside Gradio's scoped custom-CSS container */
@media (max-width: 640px) {
  gradio-app .main.app { padding-left: 10px !important; padding-right: 10px !important; }
}
</style>
<script>
(function () {
  if (window.__newsragClicks) return;
  window.__newsragClicks = true;
  var TEXTS = __NEWSRAG_TEXTS__;
  function lang() { var l = document.documentElement.dataset.newsragLang; return TEXTS[l] ? l : 'en'; }
  window.__newsragText = function (id, values) {
    var text = TEXTS[lang()][id] || TEXTS.en[id] || id;
    return text.replace(/\{(\w+)\}/g, function (m, name) { return values && name in values ? values[name] : m; });
  };
  function refOf(el) {
    var a = el.closest('a[href^="#cite-"], a[href^="#rel-"]');
    if (a) return a.getAttribute('href').slice(1);
    var card = el.closest('[data-ref]');
    if (card && !el.closest('a.ext')) return card.getAttribute('data-ref');
    return null;
  }
  function fire(ref) {
    if (!ref || !window.__newsragCite) return false;
    document.querySelectorAll('.src-card.active').forEach(function (c) { c.classList.remove('active'); });
    document.querySelectorAll('.src-card[data-ref="' + ref + '"]').forEach(function (c) { c.classList.add('active'); });
    window.__newsragCite(ref);
    return true;
  }
  document.addEventListener('click', function (e) {
    var ref = refOf(e.target);
    if (ref && fire(ref)) { e.preventDefault(); e.stopPropagation(); }
  }, true);
  document.addEventListener('keydown', function (e) {
    if (e.key !== 'Enter' && e.key !== ' ') return;
    var card = e.target.closest && e.target.closest('[data-ref]');
    if (card && fire(card.getAttribute('data-ref'))) { e.preventDefault(); }
  }, true);
  // the elapsed time of an unfinished answer keeps counting between the server's updates
  function tickElapsed(now) {
    document.querySelectorAll('.pending .elapsed, .draft .elapsed').forEach(function (el) {
      if (el.__t0 === undefined) { el.__t0 = now; el.__base = parseFloat(el.textContent) || 0; }
      el.textContent = (el.__base + (now - el.__t0) / 1000).toFixed(1) + ' s';
    });
  }
  // characters left in the question box, shown from 80 % of its limit (the textarea's maxlength)
  function countQuestion() {
    var box = document.querySelector('#question textarea');
    var max = box ? parseInt(box.getAttribute('maxlength') || '0', 10) : 0;
    if (!max) return;
    var note = document.getElementById('q-count');
    if (!note) {
      note = document.createElement('div'); note.id = 'q-count'; note.className = 'q-count';
      note.setAttribute('aria-live', 'polite'); box.closest('#question').appendChild(note);
    }
    var n = box.value.length, text = '';
    if (n >= max * 0.8) {
      var counts = {n: n.toLocaleString(lang()), max: max.toLocaleString(lang())};
      text = window.__newsragText(n >= max ? 'js.count_full' : 'js.count', counts);
    }
    if (note.textContent !== text) note.textContent = text;
    note.classList.toggle('full', n >= max);
  }
  setInterval(function () { tickElapsed(performance.now()); countQuestion(); }, 100);
})();
</script>
""".replace("__NEWSRAG_TEXTS__", json.dumps(page_texts(), ensure_ascii=False))

SOURCES_JS = "window.__newsragCite = function (ref) { trigger('cite', {ref: ref}); };"

# The viewer scrolls its <mark> into view whenever its content changes.
VIEWER_JS = r"""
function show() {
  var m = element.querySelector('mark');
  if (!m) return;
  var body = element.querySelector('.viewer-body');
  if (body) { body.scrollTop = Math.max(0, m.offsetTop - body.offsetTop - body.clientHeight / 3); }
  var r = element.getBoundingClientRect();
  if (r.top < 0 || r.top > window.innerHeight - 120) { element.scrollIntoView({block: 'start', behavior: 'smooth'}); }
}
watch('value', function () { requestAnimationFrame(show); });
requestAnimationFrame(show);
"""

COPY_JS = r"""
(text) => {
  if (!text) { return []; }
  const done = () => {
    const b = document.querySelector('#copy-btn');
    if (b) {
      const old = b.textContent;
      b.textContent = window.__newsragText('js.copied');
      setTimeout(() => { b.textContent = old; }, 1500);
    }
  };
  const fallback = () => {
    const t = document.createElement('textarea'); t.value = text; t.style.position = 'fixed'; t.style.opacity = '0';
    document.body.appendChild(t); t.select(); try { document.execCommand('copy'); } catch (e) {} t.remove(); done();
  };
  if (navigator.clipboard && window.isSecureContext) { navigator.clipboard.writeText(text).then(done, fallback); }
  else { fallback(); }
  return [];
}
"""

# One value per input of the delete event (article, library search, backend, interface language): a missing one
# reaches Python as None.
CONFIRM_DELETE_JS = r"""
(doc, query, backend, lang) => {
  if (!doc) { return [doc, query, backend, lang]; }
  return [window.confirm(window.__newsragText('js.confirm_delete', {doc: doc})) ? doc : '', query, backend, lang];
}
"""
