"""The optional NLI backend, with a tiny cross-encoder the test builds itself.

The model: each token's embedding is three logits (entailment, neutral, contradiction), summed
over the attention mask. "not" pushes towards contradiction, every other word towards
entailment, so the test knows what the real loading and scoring code must return.
"""

import json
import math

import pytest

from ledger.exceptions import InvalidCommand
from reviews.contradictions import nli
from reviews.contradictions.pairs import pair_text_score
from reviews.contradictions.scoring import detector_version

onnx = pytest.importorskip("onnx")
pytest.importorskip("onnxruntime")
tokenizers = pytest.importorskip("tokenizers")

VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "iran", "backs", "hamas", "does", "not", "back"]
NOT_LOGITS = [0.0, 0.0, 6.0]
WORD_LOGITS = [0.5, 0.0, 0.0]


def build_model(directory, *, labels=("entailment", "neutral", "contradiction")):
    from onnx import TensorProto, helper

    embedding = [
        [0.0, 0.0, 0.0]
        if word in {"[PAD]", "[CLS]", "[SEP]"}
        else NOT_LOGITS
        if word == "not"
        else WORD_LOGITS
        for word in VOCAB
    ]
    graph = helper.make_graph(
        [
            helper.make_node("Gather", ["embedding", "input_ids"], ["vectors"], axis=0),
            helper.make_node("Cast", ["attention_mask"], ["mask_float"], to=TensorProto.FLOAT),
            helper.make_node("Unsqueeze", ["mask_float", "last_axis"], ["mask3"]),
            helper.make_node("Mul", ["vectors", "mask3"], ["masked"]),
            helper.make_node("ReduceSum", ["masked", "token_axis"], ["logits"], keepdims=0),
        ],
        "tiny-nli",
        [
            helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "tokens"]),
            helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "tokens"]),
        ],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", 3])],
        initializer=[
            helper.make_tensor(
                "embedding",
                TensorProto.FLOAT,
                [len(VOCAB), 3],
                [value for row in embedding for value in row],
            ),
            helper.make_tensor("last_axis", TensorProto.INT64, [1], [2]),
            helper.make_tensor("token_axis", TensorProto.INT64, [1], [1]),
        ],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, str(directory / "model.onnx"))

    from tokenizers import Tokenizer, models, pre_tokenizers, processors

    tokenizer = Tokenizer(
        models.WordLevel({word: index for index, word in enumerate(VOCAB)}, unk_token="[UNK]")
    )
    tokenizer.normalizer = tokenizers.normalizers.Lowercase()
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", 2), ("[SEP]", 3)],
    )
    tokenizer.save(str(directory / "tokenizer.json"))
    (directory / "config.json").write_text(
        json.dumps({"id2label": {str(index): label for index, label in enumerate(labels)}})
    )
    return directory


def softmax_contradiction(logits):
    exps = [math.exp(value) for value in logits]
    return exps[2] / sum(exps)


@pytest.fixture
def model_dir(tmp_path):
    nli.nli_load.cache_clear()
    yield build_model(tmp_path)
    nli.nli_load.cache_clear()


def test_the_model_scores_pairs_by_its_contradiction_label(model_dir):
    # given the tiny model loaded from its directory
    model = nli.nli_load(str(model_dir))
    # when two pairs are scored in one batch (different lengths: padding is masked)
    probabilities = model.contradiction_probabilities(
        [("Iran backs Hamas", "Iran backs Hamas"), ("Iran backs Hamas", "Iran does not back Hamas")]
    )
    # then each is the softmax of the summed logits over the real tokens
    same = softmax_contradiction([0.5 * 6, 0.0, 0.0])  # six words, no "not"
    negated = softmax_contradiction([0.5 * 7, 0.0, 6.0])  # seven words and "not"
    assert probabilities == pytest.approx([same, negated], abs=1e-6)
    assert model.pair_probability("Iran does not back Hamas", "Iran backs Hamas") == (
        pytest.approx(negated, abs=1e-6)
    )


def test_the_setting_turns_the_backend_on(model_dir, settings):
    # given no model configured, the NLI backend is off
    settings.CONTRADICTIONS_NLI_MODEL_DIR = ""
    assert nli.nli_backend() is None
    assert detector_version() == "lexical-19"
    # when the directory is configured
    settings.CONTRADICTIONS_NLI_MODEL_DIR = str(model_dir)
    # then the model is loaded, its cue explains itself and flags record it in their version
    assert nli.nli_backend() is not None
    assert detector_version() == f"lexical-19+nli:{model_dir.name}"
    result = pair_text_score(a="Iran backs Hamas", b="Iran does not back Hamas")
    assert result.contradiction is True
    assert "nli" in [cue.kind for cue in result.cues]
    assert "reads the two as contradictory" in " ".join(result.explanations)


def test_a_directory_without_the_files_is_a_clear_error(tmp_path):
    nli.nli_load.cache_clear()
    with pytest.raises(InvalidCommand, match=r"lacks model\.onnx, tokenizer\.json, config\.json"):
        nli.nli_load(str(tmp_path))
    with pytest.raises(InvalidCommand, match="does not exist"):
        nli.nli_load(str(tmp_path / "absent"))


def test_a_model_without_a_contradiction_label_is_refused(tmp_path):
    nli.nli_load.cache_clear()
    build_model(tmp_path, labels=("yes", "maybe", "no"))
    with pytest.raises(InvalidCommand, match="no single 'contradiction' label"):
        nli.nli_load(str(tmp_path))
