(function () {
  'use strict';
  var DATA = JSON.parse(document.getElementById('report-data').textContent);
  var D = DATA.docs, M = DATA.mentions, Q = DATA.queue;
  var DOC = 0, SIDE = 1, START = 2, END = 3, SURF = 4, TYPE = 5, GID = 6, CANON = 7, SCORE = 8,
      METHOD = 9, STATUS = 10, LANG = 11;
  var PAGE = 200, QPAGE = 100, DPAGE = 50;
  var collator = new Intl.Collator(undefined, {sensitivity: 'base', numeric: true});
  function $(id) { return document.getElementById(id); }
  function el(tag, props) {
    var e = document.createElement(tag);
    if (props) for (var k in props) {
      if (k === 'text') e.textContent = props[k];
      else if (k === 'cls') e.className = props[k];
      else if (k.indexOf('data-') === 0) e.setAttribute(k, props[k]);
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

  // ---------- review queue
  var qState = {page: 0, rows: []};
  function renderQueue() {
    var q = $('queue-filter').value.trim().toLowerCase();
    qState.rows = [];
    for (var i = 0; i < Q.length; i++) {
      var g = Q[i];
      if (q && (g.surface.toLowerCase().indexOf(q) < 0) &&
          ((g.proposed_canonical || '').toLowerCase().indexOf(q) < 0)) continue;
      qState.rows.push(i);
    }
    var pages = Math.max(1, Math.ceil(qState.rows.length / QPAGE));
    qState.page = Math.min(qState.page, pages - 1);
    var body = $('review-queue-body'), frag = document.createDocumentFragment();
    var from = qState.page * QPAGE, to = Math.min(qState.rows.length, from + QPAGE);
    for (var r = from; r < to; r++) {
      var g2 = Q[qState.rows[r]], cands = el('td', {cls: 'cands'});
      g2.candidates.forEach(function (c) {
        cands.append(el('span', {title: c[1] || ''}, c[0] + ' ', el('b', {text: fmt(c[2])})));
      });
      var st = el('td');
      Object.keys(g2.statuses).sort().forEach(function (k) {
        st.append(statusBadge(k), ' ' + g2.statuses[k] + ' ');
      });
      var show = el('button', {cls: 'link', text: 'show all', 'data-testid': 'queue-show', title: 'List every occurrence below'});
      show.addEventListener('click', (function (s) { return function () { showSurface(s); }; })(g2.surface));
      frag.append(el('tr', {'data-testid': 'queue-row'},
        el('td', {cls: 'q-surface', text: g2.surface}),
        el('td', {cls: 'q-count num', text: String(g2.count)}),
        el('td', {cls: 'q-lang', text: g2.lang}), el('td', {cls: 'q-type', text: g2.type}), st,
        el('td', {cls: 'q-proposed'}, g2.proposed_id ? (g2.proposed_id + (g2.proposed_canonical ? ' (' + g2.proposed_canonical + ')' : '')) : '\u2014'),
        cands,
        el('td', {cls: 'ctx'}, parts(g2.context)),
        el('td', {}, show)));
    }
    body.replaceChildren(frag);
  }
  function renderQueuePage() {
    renderQueue();
    var n = qState.rows.length;
    setText('queue-count', n ? ('Surfaces ' + (qState.page * QPAGE + 1) + '\u2013' +
      Math.min(n, (qState.page + 1) * QPAGE) + ' of ' + n) : 'Nothing to review.');
    $('queue-count').setAttribute('data-count', String(n));
    $('queue-prev').disabled = qState.page === 0;
    $('queue-next').disabled = (qState.page + 1) * QPAGE >= n;
  }

  // ---------- mentions table
  var mState = {page: 0, view: [], key: 'score', dir: 'desc'};
  var hay = null;
  function haystack(i) {
    if (!hay) hay = new Array(M.length);
    if (hay[i] === undefined) {
      var m = M[i];
      hay[i] = (m[SURF] + '\u0001' + (m[CANON] || '') + '\u0001' + (m[GID] || '') + '\u0001' + D[m[DOC]].id).toLowerCase();
    }
    return hay[i];
  }
  function fillSelect(id, col) {
    var counts = {};
    for (var i = 0; i < M.length; i++) counts[M[i][col]] = (counts[M[i][col]] || 0) + 1;
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
        la = $('filter-lang').value, q = $('filter-text').value.trim().toLowerCase(), v = [];
    for (var i = 0; i < M.length; i++) {
      var m = M[i];
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
  function renderMentions() {
    var v = mState.view, n = v.length, pages = Math.max(1, Math.ceil(n / PAGE));
    mState.page = Math.min(mState.page, pages - 1);
    var from = mState.page * PAGE, to = Math.min(n, from + PAGE), frag = document.createDocumentFragment();
    for (var r = from; r < to; r++) {
      var i = v[r], m = M[i], docBtn = el('button', {cls: 'link', text: D[m[DOC]].id, title: 'Open this document'});
      docBtn.addEventListener('click', (function (d) { return function () { showDoc(d, true); }; })(m[DOC]));
      frag.append(el('tr', {'data-testid': 'mention-row', 'data-index': String(i)},
        el('td', {cls: 'c-surface', text: m[SURF]}),
        el('td', {cls: 'c-canonical', text: m[CANON] || '\u2014'}),
        el('td', {cls: 'c-gid', text: m[GID] || ''}),
        el('td', {cls: 'c-score num', text: fmt(m[SCORE])}),
        el('td', {cls: 'c-method', text: m[METHOD]}),
        el('td', {cls: 'c-status'}, statusBadge(m[STATUS])),
        el('td', {cls: 'c-type', text: m[TYPE]}),
        el('td', {cls: 'c-lang', text: m[LANG]}),
        el('td', {cls: 'c-doc'}, docBtn),
        el('td', {cls: 'ctx c-context'}, snippet(m[DOC], m[SIDE], m[START], m[END]))));
    }
    var body = $('mentions-body');
    body.replaceChildren(frag);
    var c = $('mentions-count');
    c.textContent = n ? ('Mentions ' + (from + 1) + '\u2013' + to + ' of ' + n + ' matching (' + M.length + ' in all)')
                      : ('No mentions match (' + M.length + ' in all).');
    c.setAttribute('data-count', String(n));
    setText('mentions-page', 'page ' + (mState.page + 1) + ' / ' + pages);
    $('mentions-prev').disabled = mState.page === 0;
    $('mentions-next').disabled = mState.page >= pages - 1;
  }
  function showSurface(s) {
    $('filter-status').value = ''; $('filter-type').value = ''; $('filter-method').value = '';
    $('filter-lang').value = ''; $('filter-text').value = s;
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
  function marked(d, side) {
    var t = textOf(d, side), spans = mentionsOf(d).filter(function (i) { return M[i][SIDE] === side; })
      .sort(function (a, b) { return M[a][START] - M[b][START] || M[b][END] - M[a][END]; });
    var frag = document.createDocumentFragment(), pos = 0;
    spans.forEach(function (i) {
      var m = M[i];
      if (m[START] < pos || m[END] > t.length) return;  // overlapping span: keep the first
      frag.append(t.slice(pos, m[START]));
      frag.append(el('mark', {cls: 'st-' + m[STATUS], text: t.slice(m[START], m[END]),
        title: m[SURF] + ' \u2192 ' + (m[CANON] || '?') + ' \u00b7 ' + (m[GID] || 'no id') + ' \u00b7 ' + m[METHOD] +
               ' \u00b7 ' + m[STATUS] + ' \u00b7 ' + fmt(m[SCORE])}));
      pos = m[END];
    });
    frag.append(t.slice(pos));
    return frag;
  }
  function showDoc(d, scroll) {
    dState.current = d;
    var doc = D[d];
    setText('doc-title', doc.id + '  \u00b7  ' + doc.lang + '  \u00b7  ' + doc.status + '  \u00b7  ' + doc.source);
    $('doc-source').replaceChildren(marked(d, 0));
    if (doc.text_en === null || doc.text_en === undefined) $('doc-english').replaceChildren(el('span', {cls: 'muted', text: '(no English text)'}));
    else $('doc-english').replaceChildren(marked(d, 1));
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
      if (st && D[i].status !== st) continue;
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
  ['filter-status', 'filter-type', 'filter-method', 'filter-lang', 'sort-by', 'sort-dir'].forEach(function (id) {
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
  $('queue-filter').addEventListener('input', function () { qState.page = 0; renderQueuePage(); });
  $('queue-prev').addEventListener('click', function () { qState.page--; renderQueuePage(); });
  $('queue-next').addEventListener('click', function () { qState.page++; renderQueuePage(); });
  $('doc-filter').addEventListener('input', function () { dState.page = 0; renderDocs(); });
  $('doc-status').addEventListener('change', function () { dState.page = 0; renderDocs(); });
  $('doc-prev').addEventListener('click', function () { dState.page--; renderDocs(); });
  $('doc-next').addEventListener('click', function () { dState.page++; renderDocs(); });

  fillSelect('filter-type', TYPE); fillSelect('filter-method', METHOD); fillSelect('filter-lang', LANG);
  renderQueuePage();
  applyFilters();
  var first = -1;
  for (var k = 0; k < D.length && first < 0; k++) if (D[k].status === 'review') first = k;
  if (D.length) showDoc(first < 0 ? 0 : first, false); else renderDocs();
  document.body.setAttribute('data-ready', '1');
})();
