(function () {
  'use strict';
  var DATA = JSON.parse(document.getElementById('report-data').textContent);
  var D = DATA.docs, M = DATA.mentions, Q = DATA.queue;
  var DOC = 0, SIDE = 1, START = 2, END = 3, SURF = 4, TYPE = 5, GID = 6, CANON = 7, SCORE = 8,
      METHOD = 9, STATUS = 10, LANG = 11, EN = 12;
  var SOURCE = 0, TRANSLATION_ONLY = 1, RENDERING = 2;
  var PAGE = 200, QPAGE = 100, DPAGE = 50;
  var collator = new Intl.Collator(undefined, {sensitivity: 'base', numeric: true});
  function $(id) { return document.getElementById(id); }
  function el(tag, props) {
    var e = document.createElement(tag);
    if (props) for (var k in props) {
      if (k === 'text') e.textContent = props[k];
      else if (k === 'cls') e.className = props[k];
      else if (k.indexOf('data-') === 0 || k.indexOf('aria-') === 0) e.setAttribute(k, props[k]);
      else e[k] = props[k];
    }
    for (var i = 2; i < arguments.length; i++) {
      var c = arguments[i];
      if (c === null || c === undefined) continue;
      e.append(c);  // strings become Text nodes
    }
    return e;
  }
  function statusBadge(s) { return el('span', {cls: 'st st-' + s, text: s}); }
  function fmt(x) { return typeof x === 'number' ? x.toFixed(2) : ''; }
  function textOf(d, side) { return (side ? D[d].text_en : D[d].text) || ''; }
  function squash(s) { return s.replace(/\s+/g, ' '); }

  // Context: text[start-60 : end+60] with the mention in a <mark> built by the DOM.
  function snippet(d, side, s, e) {
    var t = textOf(d, side), a = Math.max(0, s - 60), b = Math.min(t.length, e + 60);
    if (a > 0 && /[\uDC00-\uDFFF]/.test(t.charAt(a))) a++;      // do not split a surrogate pair
    if (b < t.length && /[\uD800-\uDBFF]/.test(t.charAt(b - 1))) b--;
    var span = el('span');
    span.append((a > 0 ? '\u2026' : '') + squash(t.slice(a, s)));
    span.append(el('mark', {text: t.slice(s, e)}));
    span.append(squash(t.slice(e, b)) + (b < t.length ? '\u2026' : ''));
    return span;
  }

  // Context sent ready-made as [left, mention, right] (the queue's example may be in a document
  // the page does not embed).
  function parts(p) {
    var span = el('span');
    span.append(p[0]); span.append(el('mark', {text: p[1]})); span.append(p[2]);
    return span;
  }
  function setText(id, v) { var e = $(id); if (e) e.textContent = String(v); }

  // ---------- decisions: the language of review/decisions.py, kept in localStorage per run
  var STORE_KEY = 'transnorm.decisions.' + (DATA.run || 'run');
  var decisions = {};  // queue key -> decision string
  var storage = null;
  try { storage = window.localStorage; storage.getItem(STORE_KEY); } catch (e) { storage = null; }
  function keyOf(g) { return g.surface + '\u0001' + g.lang; }
  var known = {};
  Q.forEach(function (g) { known[keyOf(g)] = true; });
  if (storage) {
    try {
      var saved = JSON.parse(storage.getItem(STORE_KEY) || '{}');
      for (var sk in saved) if (known[sk] && typeof saved[sk] === 'string') decisions[sk] = saved[sk];
    } catch (e) { decisions = {}; }
  } else {
    var note = $('storage-note');
    note.textContent = 'This browser does not let the page keep decisions (localStorage is off): export them before closing the page.';
    note.hidden = false;
  }
  function save() {
    if (storage) {
      try { storage.setItem(STORE_KEY, JSON.stringify(decisions)); } catch (e) { /* full: still in memory */ }
    }
  }
  function nDecided() { return Object.keys(decisions).length; }
  function proposal(g) { return g.candidates.length && g.proposed_id && g.candidates[0].id === g.proposed_id ? g.candidates[0] : null; }

  function decide(i, value) {
    var g = Q[i], k = keyOf(g);
    if (value) decisions[k] = value; else delete decisions[k];
    save();
    updateRow(i);
    renderDetail();
    setDecidedCount();
  }
  function describeDecision(v, g) {
    if (!v) return '';
    if (v === 'accept') { var p = proposal(g); return 'accept ' + (p ? (p.canonical || p.id) : ''); }
    if (v === 'ignore') return 'not a name';
    if (v.indexOf('pick:') === 0) {
      var id = v.slice(5);
      for (var c = 0; c < g.candidates.length; c++) if (g.candidates[c].id === id) return 'pick ' + (g.candidates[c].canonical || id);
      return v;
    }
    return v;
  }

  // ---------- review queue: list + detail panel
  var qState = {page: 0, rows: [], cur: -1, form: null};
  function facts(c) {
    var bits = [];
    if (c.kind) bits.push(c.kind);
    if (c.parent) bits.push(c.parent);
    if (c.country) bits.push(c.country);
    return bits.join(' \u00b7 ');
  }
  function queueRow(i) {
    var g = Q[i], p = proposal(g), st = el('td', {cls: 'q-status'}), ks = Object.keys(g.statuses).sort();
    ks.forEach(function (k) { st.append(statusBadge(k), ks.length > 1 ? ' ' + g.statuses[k] + ' ' : ''); });
    var prop = p ? el('td', {cls: 'q-proposed'}, el('b', {text: p.canonical || p.id}),
                      p.generated ? el('span', {cls: 'gen', text: ' proposed name'}) : null,
                      facts(p) ? el('span', {cls: 'muted', text: ' \u00b7 ' + facts(p)}) : null)
                 : el('td', {cls: 'q-proposed muted', text: g.proposed_canonical ? g.proposed_canonical + ' (spelling)' : '\u2014'});
    var tr = el('tr', {'data-testid': 'queue-row', 'data-i': String(i), cls: i === qState.cur ? 'sel' : ''},
      el('td', {cls: 'q-surface', text: g.surface}), el('td', {cls: 'q-lang', text: g.lang}),
      el('td', {cls: 'q-count num', text: String(g.count)}), st, prop,
      el('td', {cls: 'q-decision', text: describeDecision(decisions[keyOf(g)], g)}));
    tr.addEventListener('click', function () { select(i, false); });
    return tr;
  }
  function updateRow(i) {
    var tr = document.querySelector('#review-queue-body tr[data-i="' + i + '"]');
    if (tr) tr.replaceWith(queueRow(i));
  }
  function filterQueue() {
    var q = $('queue-filter').value.trim().toLowerCase(), show = $('queue-show').value;
    qState.rows = [];
    for (var i = 0; i < Q.length; i++) {
      var g = Q[i], dec = decisions[keyOf(g)];
      if (show === 'decided' && !dec) continue;
      if (show === 'undecided' && dec) continue;
      if (q && g.surface.toLowerCase().indexOf(q) < 0 &&
          (g.proposed_canonical || '').toLowerCase().indexOf(q) < 0) continue;
      qState.rows.push(i);
    }
  }
  function renderQueuePage() {
    var n = qState.rows.length, pages = Math.max(1, Math.ceil(n / QPAGE));
    qState.page = Math.max(0, Math.min(qState.page, pages - 1));
    var frag = document.createDocumentFragment(), from = qState.page * QPAGE, to = Math.min(n, from + QPAGE);
    for (var r = from; r < to; r++) frag.append(queueRow(qState.rows[r]));
    $('review-queue-body').replaceChildren(frag);
    setText('queue-count', n ? ('names ' + (from + 1) + '\u2013' + to + ' of ' + n) : 'Nothing to review.');
    $('queue-count').setAttribute('data-count', String(n));
    $('queue-prev').disabled = qState.page === 0;
    $('queue-next').disabled = (qState.page + 1) * QPAGE >= n;
  }
  function setDecidedCount() {
    var n = nDecided();
    setText('decided-count', n + ' of ' + Q.length + ' decided');
    $('decided-count').setAttribute('data-count', String(n));
    $('export-decisions').disabled = n === 0;
  }
  function select(i, scroll) {
    var old = document.querySelector('#review-queue-body tr.sel');
    if (old) old.classList.remove('sel');
    qState.cur = i;
    qState.form = null;
    var pos = qState.rows.indexOf(i);
    if (pos >= 0 && Math.floor(pos / QPAGE) !== qState.page) { qState.page = Math.floor(pos / QPAGE); renderQueuePage(); }
    var tr = document.querySelector('#review-queue-body tr[data-i="' + i + '"]');
    if (tr) { tr.classList.add('sel'); if (scroll) tr.scrollIntoView({block: 'nearest'}); }
    renderDetail();
  }
  function move(step) {
    if (!qState.rows.length) return;
    var pos = qState.rows.indexOf(qState.cur);
    pos = pos < 0 ? 0 : Math.max(0, Math.min(qState.rows.length - 1, pos + step));
    select(qState.rows[pos], true);
  }
  function button(label, key, testid, fn, disabled) {
    var b = el('button', {text: label, 'data-testid': testid, disabled: !!disabled},
               key ? el('kbd', {text: key}) : null);
    b.addEventListener('click', fn);
    return b;
  }
  function pick(n) {  // candidate n (0-based) of the current name
    var g = Q[qState.cur], c = g && g.candidates[n];
    if (!c) return;
    decide(qState.cur, c.generated ? 'accept' : 'pick:' + c.id);  // a generated name is only ever the proposal
    move(1);
  }
  function act(what) {
    var i = qState.cur, g = Q[i];
    if (!g) return;
    if (what === 'accept') { if (proposal(g)) { decide(i, 'accept'); move(1); } }
    else if (what === 'reject') { if (proposal(g)) { decide(i, 'reject'); move(1); } }
    else if (what === 'ignore') { decide(i, 'ignore'); move(1); }
    else if (what === 'undo') decide(i, '');
    else if (what === 'new' || what === 'split') { qState.form = what; renderDetail(); focusForm(); }
  }
  function renderDetail() {
    var box = $('queue-detail'), g = Q[qState.cur];
    if (!g) { box.replaceChildren(el('p', {cls: 'muted', text: Q.length ? 'Select a name (j/k or click).' : 'Nothing to review.'})); return; }
    var p = proposal(g), dec = decisions[keyOf(g)];
    var head = el('div', {cls: 'd-head'},
      el('h3', {'data-testid': 'detail-surface', text: g.surface}),
      el('span', {cls: 'muted', text: g.lang + ' \u00b7 ' + g.count + ' mention' + (g.count === 1 ? '' : 's') + ' in ' +
                  g.docs + ' document' + (g.docs === 1 ? '' : 's') + ' \u00b7 ' + g.type + (g.kind ? ' (' + g.kind + ')' : '')}));
    var why = g.reason ? el('p', {cls: 'reason', text: 'Why a name: ' + g.reason}) : null;
    var rows = document.createDocumentFragment();
    g.candidates.forEach(function (c, n) {
      var chosen = dec === 'pick:' + c.id || (dec === 'accept' && c.id === g.proposed_id);
      var tr = el('tr', {'data-testid': 'candidate', cls: chosen ? 'chosen' : ''},
        el('td', {}, button(n < 9 ? String(n + 1) : 'pick', null, 'pick-' + (n + 1),
                            function () { select(qState.cur, false); pick(n); })),
        el('td', {cls: 'c-name'}, el('b', {text: c.canonical || c.id}),
           c.id === g.proposed_id ? el('span', {cls: 'tag', text: c.generated ? 'proposed name' : 'proposed'}) : null,
           el('div', {cls: 'muted small', text: c.generated ? 'not in the gazetteer: accepting creates the entry' : c.id})),
        el('td', {cls: 'c-facts', text: facts(c)}),
        el('td', {cls: 'num', text: c.population ? c.population.toLocaleString('en') : ''}),
        el('td', {cls: 'c-matched', text: c.matched || ''}), el('td', {cls: 'num', text: fmt(c.score)}));
      rows.append(tr);
    });
    var cands = g.candidates.length ? el('div', {cls: 'cwrap'}, el('table', {cls: 'cands', 'data-testid': 'candidates'},
      el('thead', {}, el('tr', {}, el('th', {text: 'pick'}), el('th', {text: 'candidate'}), el('th', {text: 'kind \u00b7 parent \u00b7 country'}),
         el('th', {text: 'population'}), el('th', {text: 'name that matched'}), el('th', {text: 'score'}))),
      el('tbody', {}, rows))) : el('p', {cls: 'muted', text: 'No candidate: the gazetteer has no entry near this name. Create one (e), mark it not a name (n), or split it (s).'});
    var acts = el('div', {cls: 'actions'},
      button('accept proposal ', 'a', 'act-accept', function () { act('accept'); }, !p),
      button('reject proposal ', 'r', 'act-reject', function () { act('reject'); }, !p),
      button('not a name ', 'n', 'act-ignore', function () { act('ignore'); }),
      button('new entry\u2026 ', 'e', 'act-new', function () { act('new'); }),
      button('split\u2026 ', 's', 'act-split', function () { act('split'); }, g.surface.trim().split(/\s+/).length < 2),
      button('undo ', 'u', 'act-undo', function () { act('undo'); }, !dec));
    var current = el('p', {cls: 'current', 'data-testid': 'detail-decision'},
      dec ? 'Decision: ' : 'No decision yet.', dec ? el('code', {text: dec}) : null);
    var form = qState.form === 'new' ? newForm(g) : qState.form === 'split' ? splitForm(g) : null;
    box.replaceChildren.apply(box, [head, why, el('p', {cls: 'ctx'}, parts(g.context)), cands, acts, current, form]
      .filter(function (x) { return x !== null; }));
  }
  function field(label, input) { return el('label', {cls: 'f'}, el('span', {text: label}), input); }
  function newForm(g) {
    var p = proposal(g);
    // Prefill: a generated proposal's spelling, an unknown name's proposed spelling, else the name as written.
    var suggested = (p && p.generated && p.canonical) || (!g.proposed_id && g.proposed_canonical) || g.surface;
    var canon = el('input', {id: 'new-canonical', 'data-testid': 'new-canonical', value: suggested});
    var type = el('select', {id: 'new-type', 'data-testid': 'new-type'}, el('option', {value: 'place', text: 'place'}), el('option', {value: 'person', text: 'person'}));
    type.value = g.type === 'person' ? 'person' : 'place';
    var kind = el('input', {id: 'new-kind', 'data-testid': 'new-kind', value: g.kind || (g.type === 'person' ? 'person' : '')});
    kind.setAttribute('list', 'kinds');
    var parent = el('input', {id: 'new-parent', 'data-testid': 'new-parent', placeholder: 'gazetteer id, e.g. ua-oblast-kharkiv'});
    var form = el('form', {cls: 'dform', 'data-testid': 'new-form'},
      el('b', {text: 'New entry for \u201c' + g.surface + '\u201d'}), field('canonical', canon), field('type', type),
      field('kind', kind), field('parent', parent),
      el('button', {type: 'submit', cls: 'primary', text: 'save', 'data-testid': 'new-save'}),
      el('button', {type: 'button', text: 'cancel', onclick: function () { qState.form = null; renderDetail(); }}));
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var name = canon.value.replace(/[|\s]+/g, ' ').trim();
      if (!name) { canon.focus(); return; }
      var v = 'new:' + name + ' | type=' + type.value;
      var k = kind.value.trim().toLowerCase();
      if (k) v += ' | kind=' + k.replace(/[^a-z0-9-]/g, '-');
      if (parent.value.trim()) v += ' | parent=' + parent.value.trim().replace(/[|\s]/g, '');
      qState.form = null;
      decide(qState.cur, v);
      move(1);
    });
    return form;
  }
  function splitForm(g) {
    var words = g.surface.trim().split(/\s+/), cuts = {};
    var preview = el('p', {cls: 'muted', 'data-testid': 'split-preview'});
    var list = el('div', {cls: 'words'});
    function partsOf() {
      var out = [], cur = [];
      words.forEach(function (w, n) { cur.push(w); if (cuts[n]) { out.push(cur.join(' ')); cur = []; } });
      out.push(cur.join(' '));
      return out;
    }
    function draw() {
      list.replaceChildren();
      words.forEach(function (w, n) {
        list.append(el('span', {cls: 'word', text: w}));
        if (n < words.length - 1) {
          var b = el('button', {type: 'button', cls: 'cut' + (cuts[n] ? ' on' : ''), text: cuts[n] ? '|' : '\u00b7',
                                title: 'cut here (key ' + (n + 1) + ')', 'data-testid': 'cut-' + (n + 1)});
          b.addEventListener('click', function () { cuts[n] = !cuts[n]; draw(); });
          list.append(b);
        }
      });
      preview.textContent = 'Parts: ' + partsOf().join(' | ');
    }
    draw();
    var form = el('form', {cls: 'dform', 'data-testid': 'split-form'},
      el('b', {text: 'Split \u201c' + g.surface + '\u201d (click the gaps, or keys 1\u2013' + Math.min(9, words.length - 1) + ')'}),
      list, preview, el('button', {type: 'submit', cls: 'primary', text: 'save', 'data-testid': 'split-save'}),
      el('button', {type: 'button', text: 'cancel', onclick: function () { qState.form = null; renderDetail(); }}));
    form.toggle = function (n) { if (n < words.length - 1) { cuts[n] = !cuts[n]; draw(); } };
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var ps = partsOf();
      if (ps.length < 2) return;
      qState.form = null;
      decide(qState.cur, 'split:' + ps.join(' | '));
      move(1);
    });
    return form;
  }
  function focusForm() {
    var f = document.querySelector('#queue-detail form');
    if (!f) return;
    var first = f.querySelector('input');
    (first || f.querySelector('button')).focus();
  }
  function exportDecisions() {
    var lines = [];
    Q.forEach(function (g) {
      var v = decisions[keyOf(g)];
      if (!v) return;
      lines.push(JSON.stringify({surface: g.surface, language: g.lang, type: g.type, kind: g.kind || '',
        proposed_gazetteer_id: g.proposed_id || '', proposed_canonical: g.proposed_canonical || '',
        decision: v, count: g.count}));
    });
    var blob = new Blob([lines.join('\n') + '\n'], {type: 'application/x-ndjson'});
    var a = el('a', {href: URL.createObjectURL(blob), download: 'decisions-' + (DATA.run || 'run').replace(/[^A-Za-z0-9._-]/g, '_') + '.jsonl'});
    document.body.append(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }

  // ---------- mentions table (source mentions; English-side names on demand)
  var mState = {page: 0, view: [], key: 'score', dir: 'desc'};
  var hay = null;
  function haystack(i) {
    if (!hay) hay = new Array(M.length);
    if (hay[i] === undefined) {
      var m = M[i];
      hay[i] = (m[SURF] + '\u0001' + (m[CANON] || '') + '\u0001' + (m[GID] || '') + '\u0001' + (m[EN] || '') +
                '\u0001' + D[m[DOC]].id).toLowerCase();
    }
    return hay[i];
  }
  function fillSelect(id, col) {
    var counts = {};
    for (var i = 0; i < M.length; i++) if (M[i][SIDE] === SOURCE) counts[M[i][col]] = (counts[M[i][col]] || 0) + 1;
    var sel = $(id);
    Object.keys(counts).sort().forEach(function (k) {
      sel.append(el('option', {value: k, text: k + ' (' + counts[k] + ')'}));
    });
  }
  function compare(a, b) {
    var x = M[a], y = M[b], r = 0;
    if (mState.key === 'score') r = x[SCORE] - y[SCORE];
    else if (mState.key === 'name') r = collator.compare(x[SURF], y[SURF]);
    else if (mState.key === 'document') {
      r = collator.compare(D[x[DOC]].id, D[y[DOC]].id) || x[DOC] - y[DOC] || x[SIDE] - y[SIDE] || x[START] - y[START];
    }
    if (mState.dir === 'desc') r = -r;
    return r || a - b;
  }
  function applyFilters(keepPage) {
    var st = $('filter-status').value, ty = $('filter-type').value, me = $('filter-method').value,
        la = $('filter-lang').value, side = $('filter-side').value, q = $('filter-text').value.trim().toLowerCase(), v = [];
    for (var i = 0; i < M.length; i++) {
      var m = M[i];
      if (side === 'english' ? m[SIDE] === SOURCE : m[SIDE] !== +side) continue;
      if (st && (st === 'needs-decision' ? m[STATUS] === 'auto' : m[STATUS] !== st)) continue;
      if (ty && m[TYPE] !== ty) continue;
      if (me && m[METHOD] !== me) continue;
      if (la && m[LANG] !== la) continue;
      if (q && haystack(i).indexOf(q) < 0) continue;
      v.push(i);
    }
    mState.key = $('sort-by').value; mState.dir = $('sort-dir').value;
    v.sort(compare);
    mState.view = v;
    if (!keepPage) mState.page = 0;
    renderMentions();
  }
  var SIDE_LABEL = ['', 'translation only', 'English rendering'];
  function renderMentions() {
    var v = mState.view, n = v.length, pages = Math.max(1, Math.ceil(n / PAGE));
    mState.page = Math.min(mState.page, pages - 1);
    var from = mState.page * PAGE, to = Math.min(n, from + PAGE), frag = document.createDocumentFragment();
    for (var r = from; r < to; r++) {
      var i = v[r], m = M[i], docBtn = el('button', {cls: 'link', text: D[m[DOC]].id, title: 'Open this document'});
      docBtn.addEventListener('click', (function (d) { return function () { showDoc(d, true); }; })(m[DOC]));
      var english = m[SIDE] === SOURCE ? (m[EN] === null || m[EN] === undefined ? '\u2014' : m[EN]) : SIDE_LABEL[m[SIDE]];
      frag.append(el('tr', {'data-testid': 'mention-row', 'data-index': String(i)},
        el('td', {cls: 'c-surface', text: m[SURF]}),
        el('td', {cls: 'c-canonical', text: m[CANON] || '\u2014'}),
        el('td', {cls: 'c-english' + (m[SIDE] === SOURCE ? '' : ' muted'), text: english}),
        el('td', {cls: 'c-gid', text: m[GID] || ''}),
        el('td', {cls: 'c-score num', text: fmt(m[SCORE])}),
        el('td', {cls: 'c-method', text: m[METHOD]}),
        el('td', {cls: 'c-status'}, statusBadge(m[STATUS])),
        el('td', {cls: 'c-type', text: m[TYPE]}),
        el('td', {cls: 'c-lang', text: m[LANG]}),
        el('td', {cls: 'c-doc'}, docBtn),
        el('td', {cls: 'ctx c-context'}, snippet(m[DOC], m[SIDE] === SOURCE ? 0 : 1, m[START], m[END]))));
    }
    $('mentions-body').replaceChildren(frag);
    var c = $('mentions-count');
    c.textContent = n ? ('Rows ' + (from + 1) + '\u2013' + to + ' of ' + n + ' matching') : 'No mentions match.';
    c.setAttribute('data-count', String(n));
    setText('mentions-page', 'page ' + (mState.page + 1) + ' / ' + pages);
    $('mentions-prev').disabled = mState.page === 0;
    $('mentions-next').disabled = mState.page >= pages - 1;
  }
  function showSurface(s) {
    $('filter-status').value = ''; $('filter-type').value = ''; $('filter-method').value = '';
    $('filter-lang').value = ''; $('filter-side').value = '0'; $('filter-text').value = s;
    applyFilters();
    $('mentions').scrollIntoView();
  }
  var timer = null;
  function debounced() { clearTimeout(timer); timer = setTimeout(function () { applyFilters(); }, 120); }

  // ---------- documents
  var byDoc = null, dState = {page: 0, rows: [], current: -1};
  function mentionsOf(d) {
    if (!byDoc) {
      byDoc = {};
      for (var i = 0; i < M.length; i++) (byDoc[M[i][DOC]] = byDoc[M[i][DOC]] || []).push(i);
    }
    return byDoc[d] || [];
  }
  function marked(d, english) {
    var t = textOf(d, english), spans = mentionsOf(d).filter(function (i) { return (M[i][SIDE] !== SOURCE) === english; })
      .sort(function (a, b) { return M[a][START] - M[b][START] || M[b][END] - M[a][END]; });
    var frag = document.createDocumentFragment(), pos = 0;
    spans.forEach(function (i) {
      var m = M[i];
      if (m[START] < pos || m[END] > t.length) return;  // overlapping span: keep the first
      frag.append(t.slice(pos, m[START]));
      frag.append(el('mark', {cls: 'st-' + m[STATUS] + (m[SIDE] === TRANSLATION_ONLY ? ' tr-only' : ''), text: t.slice(m[START], m[END]),
        title: m[SURF] + ' \u2192 ' + (m[CANON] || '?') + ' \u00b7 ' + (m[GID] || 'no id') + ' \u00b7 ' + m[METHOD] +
               ' \u00b7 ' + m[STATUS] + ' \u00b7 ' + fmt(m[SCORE]) + (m[SIDE] === TRANSLATION_ONLY ? ' \u00b7 found in the translation only' : '')}));
      pos = m[END];
    });
    frag.append(t.slice(pos));
    return frag;
  }
  function showDoc(d, scroll) {
    dState.current = d;
    var doc = D[d];
    setText('doc-title', doc.id + '  \u00b7  ' + doc.lang + '  \u00b7  ' + doc.status + '  \u00b7  ' + doc.source);
    $('doc-source').replaceChildren(marked(d, false));
    if (doc.text_en === null || doc.text_en === undefined) $('doc-english').replaceChildren(el('span', {cls: 'muted', text: '(no English text)'}));
    else $('doc-english').replaceChildren(marked(d, true));
    var notes = $('doc-notes'); notes.replaceChildren();
    doc.errors.forEach(function (e) { notes.append(el('li', {cls: 'err', text: 'error: ' + e})); });
    doc.warnings.forEach(function (w) { notes.append(el('li', {text: 'warning: ' + w})); });
    renderDocs();
    if (scroll) $('documents').scrollIntoView();
  }
  function renderDocs() {
    var q = $('doc-filter').value.trim().toLowerCase(), st = $('doc-status').value;
    dState.rows = [];
    for (var i = 0; i < D.length; i++) {
      if (st === 'undecided' ? !D[i].undecided : st && D[i].status !== st) continue;
      if (q && D[i].id.toLowerCase().indexOf(q) < 0 && D[i].source.toLowerCase().indexOf(q) < 0) continue;
      dState.rows.push(i);
    }
    var n = dState.rows.length, pages = Math.max(1, Math.ceil(n / DPAGE));
    dState.page = Math.min(dState.page, pages - 1);
    var frag = document.createDocumentFragment(), from = dState.page * DPAGE, to = Math.min(n, from + DPAGE);
    for (var r = from; r < to; r++) {
      var d = dState.rows[r], doc = D[d], b = el('button', {cls: 'link', text: doc.id});
      b.addEventListener('click', (function (x) { return function () { showDoc(x, false); }; })(d));
      frag.append(el('tr', {'data-testid': 'doc-row', cls: d === dState.current ? 'sel' : ''},
        el('td', {}, b), el('td', {text: doc.lang}), el('td', {}, statusBadge(doc.status)),
        el('td', {cls: 'num', text: String(doc.mentions)}), el('td', {cls: 'num', text: String(doc.undecided)})));
    }
    $('doc-list-body').replaceChildren(frag);
    setText('doc-page', n ? ('documents ' + (from + 1) + '\u2013' + to + ' of ' + n) : 'no documents match');
    $('doc-prev').disabled = dState.page === 0;
    $('doc-next').disabled = dState.page >= pages - 1;
  }

  // ---------- wiring
  ['filter-status', 'filter-type', 'filter-method', 'filter-lang', 'filter-side', 'sort-by', 'sort-dir'].forEach(function (id) {
    $(id).addEventListener('change', function () { applyFilters(); });
  });
  $('filter-text').addEventListener('input', debounced);
  $('filter-text').addEventListener('keydown', function (e) { if (e.key === 'Enter') { clearTimeout(timer); applyFilters(); } });
  $('mentions-prev').addEventListener('click', function () { mState.page--; renderMentions(); });
  $('mentions-next').addEventListener('click', function () { mState.page++; renderMentions(); });
  Array.prototype.forEach.call(document.querySelectorAll('th[data-sort]'), function (th) {
    th.addEventListener('click', function () {
      var k = th.getAttribute('data-sort');
      if ($('sort-by').value === k) $('sort-dir').value = $('sort-dir').value === 'asc' ? 'desc' : 'asc';
      else { $('sort-by').value = k; $('sort-dir').value = k === 'score' ? 'desc' : 'asc'; }
      applyFilters();
    });
  });
  function refilterQueue() { qState.page = 0; filterQueue(); renderQueuePage(); }
  $('queue-filter').addEventListener('input', refilterQueue);
  $('queue-show').addEventListener('change', refilterQueue);
  $('queue-prev').addEventListener('click', function () { qState.page--; renderQueuePage(); });
  $('queue-next').addEventListener('click', function () { qState.page++; renderQueuePage(); });
  $('export-decisions').addEventListener('click', exportDecisions);
  $('clear-decisions').addEventListener('click', function () {
    if (!nDecided() || !window.confirm('Forget all ' + nDecided() + ' decisions taken on this page?')) return;
    decisions = {}; save(); filterQueue(); renderQueuePage(); renderDetail(); setDecidedCount();
  });
  $('doc-filter').addEventListener('input', function () { dState.page = 0; renderDocs(); });
  $('doc-status').addEventListener('change', function () { dState.page = 0; renderDocs(); });
  $('doc-prev').addEventListener('click', function () { dState.page--; renderDocs(); });
  $('doc-next').addEventListener('click', function () { dState.page++; renderDocs(); });
  document.addEventListener('keydown', function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target, typing = t && (t.tagName === 'INPUT' || t.tagName === 'SELECT' || t.tagName === 'TEXTAREA');
    if (e.key === 'Escape') {
      if (qState.form) { qState.form = null; renderDetail(); }
      if (typing) t.blur();
      return;
    }
    if (typing) return;
    var form = document.querySelector('#queue-detail form[data-testid=split-form]');
    if (form && /^[1-9]$/.test(e.key)) { form.toggle(+e.key - 1); e.preventDefault(); return; }
    if (form && e.key === 'Enter') { form.requestSubmit(); e.preventDefault(); return; }
    if (qState.form) return;
    var k = e.key;
    if (k === 'j' || k === 'ArrowDown') move(1);
    else if (k === 'k' || k === 'ArrowUp') move(-1);
    else if (/^[1-9]$/.test(k)) pick(+k - 1);
    else if (k === 'a') act('accept');
    else if (k === 'r') act('reject');
    else if (k === 'n') act('ignore');
    else if (k === 'e') act('new');
    else if (k === 's') { if (Q[qState.cur] && Q[qState.cur].surface.trim().split(/\s+/).length > 1) act('split'); }
    else if (k === 'u') act('undo');
    else if (k === '/') $('queue-filter').focus();
    else return;
    e.preventDefault();
  });

  fillSelect('filter-type', TYPE); fillSelect('filter-method', METHOD); fillSelect('filter-lang', LANG);
  filterQueue();
  renderQueuePage();
  setDecidedCount();
  if (Q.length) select(0, false); else renderDetail();
  applyFilters();
  var first = -1;
  for (var k = 0; k < D.length && first < 0; k++) if (D[k].undecided) first = k;
  if (D.length) showDoc(first < 0 ? 0 : first, false); else renderDocs();
  document.body.setAttribute('data-ready', '1');
})();
