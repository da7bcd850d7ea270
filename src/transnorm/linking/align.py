"""Names that survive machine translation: source links carried over to the English text.

The source linking (on the original Cyrillic) is the authority on *which* entry a name is;
the translation only decides *how* it is written in English. For every linked source name
we look for its rendering in the English sentence(s) aligned with its source sentence:

1. an English mention the English linker already tied to the same entry (or that lists the
   entry among its candidates) is taken, its score raised to the source's when the source
   was surer;
2. otherwise capitalised token runs of that sentence are compared (rapidfuzz ratio on folded
   keys, with and without inflection endings) with every Latin spelling of the entry in the
   index *and* with the transliterations of the inflected source surface itself, because MT
   often just transliterates what it does not know ("в Харькове" -> "in Kharkove").

A linked source name with no rendering becomes a warning, never a silent loss. English
mentions without a source counterpart stay as the English linker left them. The result is
sorted and disjoint, with text_en[start:end] == surface, ready for rewrite.rewrite.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from rapidfuzz import fuzz, process

from transnorm.config import MatchConfig
from transnorm.gazetteer.index import Index
from transnorm.linking.english import written_form
from transnorm.linking.match import link
from transnorm.records import Entity
from transnorm.text import translit
from transnorm.text.fold import Token, fold_name, tokenize
from transnorm.translation.translate import Translation

METHOD = "aligned"
MIN_QUALITY = 0.75  # folded similarity at which a token run counts as the rendering
MAX_RUN = 4  # tokens in a candidate run
STEM_WEIGHT = 0.96  # a match only after dropping case endings is a little less sure
STEM_FLOOR = 0.6  # ... and the full forms must still look alike
MIN_STEM = 4  # never cut a key below this many letters

# Case endings of folded Russian/Ukrainian transliterations (fold maps y->i, j->i),
# longest first: Zelenskogo/Zelensky, Kharkove/Kharkov, Donechchinu/Donetchina.
_ENDINGS = ("ogo", "ovo", "omu", "ami", "ah", "ih", "im", "om", "oi", "ei", "iu", "ia", "ie",
            "u", "a", "e", "i", "o")
_STATUS_RANK = {"unresolved": 0, "review": 1, "auto": 2}


def _stem_token(key: str) -> str:
    for end in _ENDINGS:
        if key.endswith(end) and len(key) - len(end) >= MIN_STEM:
            return key[: -len(end)]
    return key


def _stem(key: str) -> str:
    return " ".join(_stem_token(k) for k in key.split(" "))


# ------------------------------------------------------------------ helpers


@dataclass
class _Src:
    pos: int  # position in src_entities
    ent: Entity
    entry: int | None  # position in index.entries (None: id no longer in the gazetteer)
    win: tuple[int, int]  # English window [start, end)
    sent: int | None  # 1-based sentence number, None when no alignment was available
    rel: float  # relative position of the name in its source sentence (0..1)


def _status_for(score: float, cfg: MatchConfig) -> str:
    return "auto" if score >= cfg.t_auto else "review" if score >= cfg.t_review else "unresolved"


def _min_status(a: str, b: str) -> str:
    return a if _STATUS_RANK.get(a, 0) <= _STATUS_RANK.get(b, 0) else b


def _max_status(a: str, b: str) -> str:
    return a if _STATUS_RANK.get(a, 0) >= _STATUS_RANK.get(b, 0) else b


def _window(ent: Entity, tr: Translation, src_len: int) -> tuple[tuple[int, int], int | None, float]:
    """English span aligned with the source sentence(s) holding `ent`, its number, and where
    in that sentence the name sits (for ordering ties)."""
    hit = [(k, p) for k, p in enumerate(tr.sentences) if ent.start < p.src_end and p.src_start < ent.end]
    if not hit:
        rel = ent.start / src_len if src_len else 0.0
        return (0, len(tr.text_en)), None, rel
    s0, s1 = hit[0][1].src_start, hit[-1][1].src_end
    rel = (ent.start - s0) / (s1 - s0) if s1 > s0 else 0.0
    return (hit[0][1].en_start, hit[-1][1].en_end), hit[0][0] + 1, max(0.0, min(1.0, rel))


def _is_short(src: Entity, index: Index, entry: int | None) -> bool:
    if entry is None or not src.rewrite:
        return False
    e = index.entries[entry]
    return bool(e.short) and src.rewrite == e.short and e.short != e.canonical


def _rewrite_for(index: Index, src: _Src, span: str, short: bool | None, cfg: MatchConfig) -> str | None:
    """What text_en shows: the entry's short form when the English span is a short name
    (or, when the span's form is unknown, when the source's was), else the canonical; None
    (kept as written) when the span is an abbreviation or an official long name of the entry
    (english.written_form: "DPR", "the Russian Federation")."""
    if src.entry is None:
        return src.ent.rewrite or src.ent.canonical
    e = index.entries[src.entry]
    refs = [r for r in index.lookup(fold_name(span)) if r.entry == src.entry]
    for r in refs:
        written, _ = written_form(e, r, span, index.lexicon, cfg.official_names)
        if written is None:
            return None
    if short is None and refs:
        flags = {r.short for r in refs}
        short = next(iter(flags)) if len(flags) == 1 else None
    if short is None:
        short = _is_short(src.ent, index, src.entry)
    return (e.short or e.canonical) if short else e.canonical


def _overlaps(a0: int, a1: int, spans: list[tuple[int, int]]) -> bool:
    return any(a0 < b1 and b0 < a1 for b0, b1 in spans)


def _runs(text: str, toks: list[Token], win: tuple[int, int]) -> list[tuple[int, int]]:
    """Token runs (i, j exclusive) of 1..MAX_RUN joined words inside the window that start
    with a capital letter (later words may be lower case: "the Chyragan palace")."""
    inside = [k for k, t in enumerate(toks) if t.start >= win[0] and t.end <= win[1]]
    if not inside:
        return []
    lo, hi = inside[0], inside[-1] + 1  # the window's tokens are contiguous
    out = []
    for i in range(lo, hi):
        t = toks[i]
        if not t.text[:1].isupper() or t.text.isdigit():
            continue
        j = i + 1
        out.append((i, j))
        while j < hi and j - i < MAX_RUN and toks[j].joined:
            j += 1
            out.append((i, j))
    return out


class _Targets:
    """The Latin spellings one source name may take in English, ready for rapidfuzz."""

    def __init__(self, keys: list[str], short: list[bool | None], upper: list[bool]):
        self.keys, self.short, self.upper = keys, short, upper
        self.stems = [_stem(k) for k in keys]

    def best(self, span_key: str, span_upper: bool) -> tuple[float, bool | None]:
        """(quality 0..1, short flag of the spelling matched; None = source transliteration)."""
        if not self.keys:
            return 0.0, None
        ok = [k for k, up in enumerate(self.upper) if span_upper or not up]
        if not ok:
            return 0.0, None
        keys = [self.keys[k] for k in ok]
        stems = [self.stems[k] for k in ok]
        q, flag = 0.0, None
        m = process.extractOne(span_key, keys, scorer=fuzz.ratio)
        if m:
            q, flag = m[1] / 100, self.short[ok[m[2]]]
        if q < 1.0:
            ms = process.extractOne(_stem(span_key), stems, scorer=fuzz.ratio)
            if ms and fuzz.ratio(span_key, keys[ms[2]]) / 100 >= STEM_FLOOR:
                qs = ms[1] / 100 * STEM_WEIGHT
                if qs > q:
                    q, flag = qs, self.short[ok[ms[2]]]
        return q, flag


def _targets(src: _Src, index: Index, lang: str) -> _Targets:
    keys: dict[str, tuple[bool | None, bool]] = {}
    for key, short, upper in index.latin_keys(src.entry) if src.entry is not None else []:
        old = keys.get(key)
        if old is None:
            keys[key] = (short, upper)
        elif old[0] != short:
            keys[key] = (None, upper and old[1])  # both forms: let the source decide
    # MT often just transliterates the (inflected) source surface: Харькове -> Kharkove.
    try:
        variants = translit.latin_variants(src.ent.surface, lang)
    except Exception:  # noqa: BLE001 - a transliterator hiccup must not cost the document
        variants = {src.ent.surface}
    for v in variants:
        k = fold_name(v)
        if k and k not in keys:
            keys[k] = (None, False)
    ks = list(keys)
    return _Targets(ks, [keys[k][0] for k in ks], [keys[k][1] for k in ks])


# ------------------------------------------------------------------ the stage


def align_names(src_text: str, src_entities: list[Entity], tr: Translation, index: Index,
                cfg: MatchConfig, lang: str, min_quality: float = MIN_QUALITY,
                ) -> tuple[list[Entity], list[str]]:
    """Entities of tr.text_en (offsets into it, ready for rewrite.rewrite) and warnings.

    Every source entity with a gazetteer_id is carried to its English rendering (method
    "aligned", the source's id and type); one that cannot be found yields a warning naming it.
    """
    text = tr.text_en
    # The translation's own names are looked up, not guessed: proposals for names the gazetteer
    # lacks come from the source text (and are carried over below), never from MT output.
    en_ents = link(text, index, cfg.model_copy(update={"generate_names": False}) if cfg.generate_names else cfg)
    srcs: list[_Src] = []
    for pos, se in enumerate(src_entities):
        if not se.gazetteer_id:
            continue
        win, sent, rel = _window(se, tr, len(src_text))
        srcs.append(_Src(pos, se, index.by_id.get(se.gazetteer_id), win, sent, rel))

    taken: dict[int, Entity] = {}  # source position -> aligned English entity
    used_en: set[int] = set()  # English entities claimed by a source name
    spans: list[tuple[int, int]] = []  # claimed English spans

    def inside(e: Entity, s: _Src) -> bool:
        return s.win[0] <= e.start and e.end <= s.win[1]

    def adopt(s: _Src, k: int) -> None:
        en = en_ents[k]
        score = max(en.score, s.ent.score)
        status = _max_status(en.status, s.ent.status)
        if en.gazetteer_id == s.ent.gazetteer_id:
            rewrite = en.rewrite
        else:  # the English linker preferred another entry; the source decides which
            rewrite = _rewrite_for(index, s, en.surface, None, cfg)
            score, status = s.ent.score, s.ent.status
        taken[s.pos] = replace(en, gazetteer_id=s.ent.gazetteer_id, canonical=s.ent.canonical,
                               type=s.ent.type, score=score, status=status, method=METHOD,
                               candidates=list(s.ent.candidates) or list(en.candidates),
                               rewrite=rewrite)
        used_en.add(k)
        spans.append((en.start, en.end))

    def rel_en(e: Entity, s: _Src) -> float:
        return (e.start - s.win[0]) / max(1, s.win[1] - s.win[0])

    # 1. English mentions already linked to the source's entry (then: listing it among their
    #    candidates). Repeated names pair up one to one, nearest relative position first
    #    (ties: source order), so a name the MT dropped leaves the right source mention over.
    for same_id in (True, False):
        pairs = []
        for n, s in enumerate(srcs):
            if s.pos in taken:
                continue
            for k, en in enumerate(en_ents):
                if k in used_en or not inside(en, s):
                    continue
                ok = (en.gazetteer_id == s.ent.gazetteer_id if same_id else
                      any(c.gazetteer_id == s.ent.gazetteer_id for c in en.candidates))
                if ok:
                    pairs.append((round(abs(rel_en(en, s) - s.rel), 2), n, k))
        for _, n, k in sorted(pairs):
            s = srcs[n]
            if s.pos not in taken and k not in used_en:
                adopt(s, k)

    # 2. Fuzzy search of capitalised runs against every Latin spelling of the entry.
    pending = [s for s in srcs if s.pos not in taken]
    if pending:
        toks = tokenize(text)
        linked_spans = [(e.start, e.end) for e in en_ents if e.gazetteer_id]
        for s in pending:
            targets = _targets(s, index, lang)
            wlen = max(1, s.win[1] - s.win[0])
            best = None
            for i, j in _runs(text, toks, s.win):
                a, b = toks[i].start, toks[j - 1].end
                if _overlaps(a, b, spans):
                    continue
                key = " ".join(t.key for t in toks[i:j])
                q, flag = targets.best(key, text[a:b].isupper())
                if q < min_quality:
                    continue
                rank = (-round(q, 2),
                        _overlaps(a, b, linked_spans),  # rather not undo an English link
                        round(abs((a - s.win[0]) / wlen - s.rel), 2),  # where the source has it
                        -(j - i), a)
                if best is None or rank < best[0]:
                    best = (rank, a, b, key, q, flag)
            if best is None:
                continue
            _, a, b, key, q, flag = best
            score = min(s.ent.score, q)
            status = _min_status(s.ent.status, _status_for(score, cfg))
            taken[s.pos] = Entity(
                start=a, end=b, surface=text[a:b], type=s.ent.type, gazetteer_id=s.ent.gazetteer_id,
                canonical=s.ent.canonical, score=score, method=METHOD, status=status,
                candidates=list(s.ent.candidates), rewrite=_rewrite_for(index, s, text[a:b], flag, cfg),
                kind=s.ent.kind,
                reason=s.ent.reason)
            spans.append((a, b))

    warnings = []
    for s in srcs:
        if s.pos not in taken:
            where = f"sentence {s.sent}" if s.sent is not None else "the text"
            warnings.append(f"name '{s.ent.surface}' ({s.ent.canonical}) not found in the translation of {where}")

    # 3. English-only mentions stay unless an aligned one covers them.
    out = list(taken.values())
    out += [e for k, e in enumerate(en_ents) if k not in used_en and not _overlaps(e.start, e.end, spans)]
    out.sort(key=lambda e: (e.start, e.end))
    return out, warnings
