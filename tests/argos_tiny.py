"""Build a real, tiny Argos Translate package (.argosmodel) offline, in about a second.

Why: real Argos models are ~100 MB downloads and this machine (and CI) has no network
for them. The package built here has the exact on-disk shape of a real one (zip with one
top-level folder: metadata.json, model/ in CTranslate2 format, sentencepiece.model), so the
code that loads and runs real packages is exercised for real. Its weights are random: the
"English" it produces is gibberish, but it is what CTranslate2 really decoded.

Random weights never emit </s>, so the output projection gets a bias on the </s> logit:
decoding stops after a token or a few (CTranslate2's default min_decoding_length=1 keeps
the output from being empty).
"""

from __future__ import annotations

import io
import json
import random
import re
import shutil
import tempfile
import zipfile
from pathlib import Path

import numpy as np

_RU_WORDS = (
    "Киев Харьков Одесса Днепр Запорожье Львов Николаев Херсон Донецк Москва "
    "город область район жители власти заявили сегодня утром вечером взрыв "
    "обстрел атака погибли ранены сообщил глава администрации президент министр "
    "Зеленский Путин Кличко войска армия граница мост дорога поезд вокзал больница"
).split()
_UK_WORDS = (
    "Київ Харків Одеса Дніпро Запоріжжя Львів Миколаїв Херсон Донецьк місто "
    "область район мешканці влада заявила сьогодні вранці ввечері вибух обстріл "
    "загинули поранені повідомив голова адміністрації президент міністр війська"
).split()
_EN_WORDS = (
    "Kyiv Kharkiv Odesa Dnipro Zaporizhzhia Lviv Mykolaiv Kherson Donetsk Moscow "
    "city region district residents authorities said today morning evening "
    "explosion shelling attack killed wounded reported head administration "
    "president minister troops army border bridge road train station hospital"
).split()

EOS_BIAS = 4.0  # </s> wins after one to a few tokens; measured, keeps decoding ~1 ms/sentence
LATIN_BIAS = 2.0  # favour Latin word pieces so the output looks English-ish and differs from the input


def _training_lines(n: int, seed: int) -> list[str]:
    """Generated text covering the Cyrillic and Latin letters the tests use."""
    rng = random.Random(seed)
    words = _RU_WORDS + _UK_WORDS + _EN_WORDS
    lines = []
    for _ in range(n):
        k = rng.randint(4, 12)
        line = " ".join(rng.choice(words) for _ in range(k))
        lines.append(line[0].upper() + line[1:] + rng.choice([".", "!", "?", ","]))
    return lines


def _train_sentencepiece(dest: Path, seed: int, vocab_size: int = 300) -> list[str]:
    """Train a SentencePiece model into dest; return its pieces in id order."""
    import sentencepiece as spm

    buf = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(_training_lines(400, seed)),
        model_writer=buf,
        vocab_size=vocab_size,
        model_type="unigram",
        character_coverage=1.0,
        hard_vocab_limit=False,
        num_threads=1,
        minloglevel=2,
    )
    dest.write_bytes(buf.getvalue())
    sp = spm.SentencePieceProcessor(model_proto=buf.getvalue())
    return [sp.id_to_piece(i) for i in range(sp.get_piece_size())]


def _random_variables(
    rng: np.random.Generator, vocab: list[str], d: int, ffn: int, layers: int
) -> dict[str, np.ndarray]:
    """Weights named the way OpenNMT-py names them, so CTranslate2's converter fills the spec."""
    v: dict[str, np.ndarray] = {}

    def linear(name: str, out_dim: int, in_dim: int) -> None:
        v[f"{name}.weight"] = (rng.standard_normal((out_dim, in_dim)) / np.sqrt(in_dim)).astype(np.float32)
        v[f"{name}.bias"] = np.zeros(out_dim, dtype=np.float32)

    def norm(name: str) -> None:
        v[f"{name}.weight"] = np.ones(d, dtype=np.float32)
        v[f"{name}.bias"] = np.zeros(d, dtype=np.float32)

    def attention(name: str) -> None:
        for part in ("linear_query", "linear_keys", "linear_values", "final_linear"):
            linear(f"{name}.{part}", d, d)

    def feed_forward(name: str) -> None:
        norm(f"{name}.layer_norm")
        linear(f"{name}.w_1", ffn, d)
        linear(f"{name}.w_2", d, ffn)

    for i in range(layers):
        enc = f"encoder.transformer.{i}"
        attention(f"{enc}.self_attn")
        norm(f"{enc}.layer_norm")
        feed_forward(f"{enc}.feed_forward")
        dec = f"decoder.transformer_layers.{i}"
        attention(f"{dec}.self_attn")
        norm(f"{dec}.layer_norm_1")
        attention(f"{dec}.context_attn")
        norm(f"{dec}.layer_norm_2")
        feed_forward(f"{dec}.feed_forward")
    norm("encoder.layer_norm")
    norm("decoder.layer_norm")
    emb = (rng.standard_normal((len(vocab), d)) * 0.5).astype(np.float32)
    v["encoder.emb.weight"] = emb
    v["decoder.emb.weight"] = emb.copy()
    linear("generator", len(vocab), d)
    v["generator.bias"][vocab.index("</s>")] = EOS_BIAS
    for i, piece in enumerate(vocab):
        if re.search("[a-z]{2}", piece):
            v["generator.bias"][i] += LATIN_BIAS
    # Special source-only tokens must never be produced as output text.
    for tok in ("<unk>", "<s>"):
        v["generator.bias"][vocab.index(tok)] = -1e4
    return v


def _build_ct2_model(dest: Path, vocab: list[str], seed: int) -> None:
    """A 2-layer, 4-head Transformer with random weights, saved in CTranslate2 format."""
    from ctranslate2.converters import opennmt_py
    from ctranslate2.specs import transformer_spec

    layers, heads, d, ffn = 2, 4, 64, 128
    rng = np.random.default_rng(seed)
    variables = _random_variables(rng, vocab, d, ffn, layers)
    spec = transformer_spec.TransformerSpec.from_config(layers, heads)
    # Position encodings stay unset (optional): CTranslate2 then uses sinusoidal ones.
    opennmt_py.set_embeddings(spec.encoder.embeddings[0], variables, "encoder.emb")
    opennmt_py.set_embeddings(spec.decoder.embeddings, variables, "decoder.emb")
    opennmt_py.set_layer_norm(spec.encoder.layer_norm, variables, "encoder.layer_norm")
    for i, layer in enumerate(spec.encoder.layer):
        opennmt_py.set_transformer_encoder_layer(layer, variables, f"encoder.transformer.{i}")
    opennmt_py.set_layer_norm(spec.decoder.layer_norm, variables, "decoder.layer_norm")
    for i, layer in enumerate(spec.decoder.layer):
        opennmt_py.set_transformer_decoder_layer(layer, variables, f"decoder.transformer_layers.{i}")
    opennmt_py.set_linear(spec.decoder.projection, variables, "generator")
    spec.register_source_vocabulary(vocab)
    spec.register_target_vocabulary(vocab)
    spec.validate()
    spec.optimize(quantization=None)
    dest.mkdir(parents=True, exist_ok=True)
    spec.save(str(dest))


def build_tiny_package(
    dest_dir: Path,
    from_code: str = "ru",
    to_code: str = "en",
    package_version: str = "1.0",
    seed: int = 7,
) -> Path:
    """Write dest_dir/translate-{from}_{to}-tiny.argosmodel and return its path."""
    names = {"ru": "Russian", "uk": "Ukrainian", "en": "English"}
    dest_dir = Path(dest_dir)
    dest_dir.mkdir(parents=True, exist_ok=True)
    folder_name = f"translate-{from_code}_{to_code}-tiny"
    out = dest_dir / f"{folder_name}.argosmodel"
    with tempfile.TemporaryDirectory() as tmp:
        pkg = Path(tmp) / folder_name
        pkg.mkdir()
        vocab = _train_sentencepiece(pkg / "sentencepiece.model", seed)
        _build_ct2_model(pkg / "model", vocab, seed)
        metadata = {
            "package_version": package_version,
            "argos_version": "1.0",
            "from_code": from_code,
            "from_name": names.get(from_code, from_code),
            "to_code": to_code,
            "to_name": names.get(to_code, to_code),
            "type": "translate",
            "links": [],
        }
        (pkg / "metadata.json").write_text(json.dumps(metadata, indent=2), encoding="utf-8")
        (pkg / "README.md").write_text("Tiny random-weight test package built by tests/argos_tiny.py.\n")
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in sorted(pkg.rglob("*")):
                zf.write(path, path.relative_to(tmp).as_posix())
    return out


if __name__ == "__main__":  # manual check: python tests/argos_tiny.py OUTDIR
    import sys
    import time

    t0 = time.perf_counter()
    target = Path(sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp())
    p = build_tiny_package(target)
    print(p, f"{p.stat().st_size / 1e3:.0f} kB in {time.perf_counter() - t0:.2f}s")
    shutil.rmtree(target) if len(sys.argv) <= 1 else None
