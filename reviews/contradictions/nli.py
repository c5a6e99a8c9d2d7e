"""Optional NLI backend: an ONNX cross-encoder and its tokenizer from a local directory.

Off by default. Set ``CONTRADICTIONS_NLI_MODEL_DIR`` to a directory holding

- ``model.onnx``: a sequence-pair classifier taking ``input_ids`` and optionally
  ``attention_mask`` / ``token_type_ids`` (int64, ``[batch, tokens]``) and returning logits
  ``[batch, labels]`` as its first output (a Hugging Face export of an MNLI cross-encoder);
- ``tokenizer.json``: its ``tokenizers`` tokenizer (pair template included);
- ``config.json`` with ``id2label``; the label whose name contains "contradiction" is used.

and install the extra: ``pip install '.[nli]'`` (``onnxruntime``, ``tokenizers``). Nothing is
downloaded: the directory must already hold the files. When it is set, pairs the lexical
detectors compare are also read by the model in both directions, and the higher contradiction
probability is a cue of its own (``nli``); a pair is a contradiction when either the lexical
score or the model says so. The model is loaded once per process.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ledger.exceptions import InvalidCommand

NLI_THRESHOLD = 0.5
MAX_TOKENS = 256
BATCH_SIZE = 16


class NliModel:
    """A loaded cross-encoder: ``contradiction_probabilities`` for (premise, hypothesis) pairs."""

    def __init__(self, model_dir: Path) -> None:
        try:
            import onnxruntime
            from tokenizers import Tokenizer
        except ImportError as error:
            raise InvalidCommand(
                "CONTRADICTIONS_NLI_MODEL_DIR is set but the NLI extra is not installed "
                "(pip install '.[nli]': onnxruntime, tokenizers)"
            ) from error
        if not model_dir.is_dir():
            raise InvalidCommand(f"NLI model directory {model_dir} does not exist")
        files = {name: model_dir / name for name in ("model.onnx", "tokenizer.json", "config.json")}
        missing = [name for name, path in files.items() if not path.is_file()]
        if missing:
            raise InvalidCommand(f"NLI model directory {model_dir} lacks {', '.join(missing)}")
        try:
            config = json.loads(files["config.json"].read_text(encoding="utf-8"))
            labels = {int(key): str(value) for key, value in config["id2label"].items()}
        except (ValueError, KeyError, AttributeError) as error:
            raise InvalidCommand(f"{files['config.json']} has no usable id2label") from error
        found = [index for index, name in labels.items() if "contradict" in name.lower()]
        if len(found) != 1:
            raise InvalidCommand(f"{files['config.json']}: no single 'contradiction' label")
        self.name = model_dir.name
        self.contradiction_index = found[0]
        self.label_count = len(labels)
        self.tokenizer = Tokenizer.from_file(str(files["tokenizer.json"]))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        self.session = onnxruntime.InferenceSession(
            str(files["model.onnx"]), options, providers=["CPUExecutionProvider"]
        )
        self.inputs = {item.name for item in self.session.get_inputs()}
        if "input_ids" not in self.inputs:
            raise InvalidCommand(f"{files['model.onnx']} takes no 'input_ids' input")

    def contradiction_probabilities(self, pairs: Sequence[tuple[str, str]]) -> list[float]:
        """P(contradiction) for each (premise, hypothesis), by softmax over the model's logits."""
        import numpy

        results: list[float] = []
        for start in range(0, len(pairs), BATCH_SIZE):
            batch = list(pairs[start : start + BATCH_SIZE])
            encodings = self.tokenizer.encode_batch(batch)
            width = max(len(encoding.ids) for encoding in encodings)
            feeds: dict[str, Any] = {}
            columns = {
                "input_ids": [e.ids for e in encodings],
                "attention_mask": [e.attention_mask for e in encodings],
                "token_type_ids": [e.type_ids for e in encodings],
            }
            for name, rows in columns.items():
                if name in self.inputs:
                    padded = [row + [0] * (width - len(row)) for row in rows]
                    feeds[name] = numpy.array(padded, dtype=numpy.int64)
            logits = self.session.run(None, feeds)[0]
            for row in logits.tolist():
                if len(row) != self.label_count:
                    raise InvalidCommand(
                        f"the NLI model returned {len(row)} logits for {self.label_count} labels"
                    )
                top = max(row)
                exps = [math.exp(value - top) for value in row]
                results.append(exps[self.contradiction_index] / sum(exps))
        return results

    def pair_probability(self, a: str, b: str) -> float:
        """Contradiction is symmetric for claims: the higher of both reading orders."""
        forward, backward = self.contradiction_probabilities([(a, b), (b, a)])
        return max(forward, backward)


@functools.lru_cache(maxsize=4)
def nli_load(model_dir: str) -> NliModel:
    """The model in ``model_dir``, loaded once per process (clear InvalidCommand otherwise)."""
    return NliModel(Path(model_dir))


def nli_backend() -> NliModel | None:
    """The configured model, or None when ``CONTRADICTIONS_NLI_MODEL_DIR`` is empty (default)."""
    from django.conf import settings

    model_dir = str(getattr(settings, "CONTRADICTIONS_NLI_MODEL_DIR", "") or "")
    return nli_load(model_dir) if model_dir else None
