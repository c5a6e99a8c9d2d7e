"""Fit and calibrate the check-worthiness model, deterministically, on the ClaimBuster training
file and the team's news-commentary supplement.

    python scripts/train_checkworthiness.py [--train eval/claimbuster/train.jsonl]
        [--supplement eval/news_commentary/train.jsonl] [--write]

What it does, on the two training files (the ClaimBuster test file plays no part), once for
each weight in ``SUPPLEMENT_WEIGHTS`` (how much a supplement sentence weighs against a
ClaimBuster one):
1. Terms (``ledger.checkworthiness.sentence_terms``) become TF-IDF vectors (sublinear tf, l2),
   next to the named features (``sentence_features``).
2. The L2 strength ``C`` of a class-balanced logistic regression is chosen from ``C_CHOICES`` by
   the ROC AUC of the ClaimBuster sentences' out-of-fold margins (stratified 5-fold
   cross-validation over both files, each fold keeping each file's share of each class).
3. Calibration (Platt scaling) is fitted on the ClaimBuster sentences' out-of-fold margins,
   class-balanced, so a score is the probability of check-worthy when both classes are equally
   likely (the balanced test file's prior; ClaimBuster's training file is 25% check-worthy).
4. The model is fitted once more on both whole files.
5. The threshold (the default queue's cut) is chosen on the development articles
   (``ledger.measurement.LABELLED_ARTICLES`` whose labels say ``development``; never a held-out
   one): among the cuts whose class-balanced F1 on ClaimBuster's out-of-fold scores stays at
   least ``MIN_TRAINING_F1``, the one whose queues (the claims ingestion would record as
   check-worthy) have the highest mean F0.5 against the labels, precision counting double.
Then the weight whose model has the highest development F0.5 is kept (the lighter on a tie).
6. The model is written to
   ``ledger/data/checkworthiness.json`` (weights rounded to 6 decimals, sorted keys), with the
   cross-validated figures. The script then checks that the shipped pure-Python scorer
   (``ledger.checkworthiness.sentence_margin``) agrees with scikit-learn on every sentence.

scikit-learn is a development dependency: the product only reads the JSON.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from scipy import sparse  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import f1_score, roc_auc_score  # noqa: E402
from sklearn.model_selection import StratifiedKFold, cross_val_predict  # noqa: E402
from sklearn.utils.class_weight import compute_sample_weight  # noqa: E402

from ledger import checkworthiness as cw  # noqa: E402
from ledger.measurement import (  # noqa: E402
    LABELLED_ARTICLES,
    article_queue_measure,
    labelled_classes,
)

TRAIN_PATH = ROOT / "eval" / "claimbuster" / "train.jsonl"
SUPPLEMENT_PATH = ROOT / "eval" / "news_commentary" / "train.jsonl"
# How much a supplement sentence weighs against a ClaimBuster one; chosen by ``train``.
SUPPLEMENT_WEIGHTS = (1.0, 2.0, 4.0, 8.0, 16.0, 32.0)
C_CHOICES = (1.0, 2.0, 4.0, 8.0, 16.0, 32.0)
FOLDS = 5
SEED = 20240601
MIN_DOCUMENT_FREQUENCY = 2
DECIMALS = 6
MAX_MARGIN_DIFFERENCE = 1e-3  # rounding the weights to 6 decimals moves a margin by far less
MIN_TRAINING_F1 = 0.80  # issue 21's floor for the check-worthy class, on out-of-fold scores
THRESHOLDS = tuple(round(0.30 + step / 100, 2) for step in range(61))  # 0.30 .. 0.90
QUEUE_BETA = 0.5  # F-beta of a queue: an editor's screen of facts matters more than recall


LABELS = {cw.LABEL_CHECK_WORTHY: 1, cw.LABEL_NOT_CHECK_WORTHY: 0}


def _read(path: Path) -> tuple[list[str], np.ndarray]:
    """The texts and labels of a training file; a bad line stops the script, naming it."""
    texts: list[str] = []
    labels: list[int] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        try:
            row = json.loads(line)
            text, label = row["text"], LABELS[row["label"]]
        except (ValueError, KeyError, TypeError) as error:
            raise SystemExit(
                f"{path.name} line {number}: expected {{'text', 'label'}} with label one of "
                f"{sorted(LABELS)} ({error!r})"
            ) from error
        texts.append(" ".join(str(text).split()))
        labels.append(label)
    return texts, np.array(labels)


def _named_matrix(texts: list[str]) -> sparse.csr_matrix:
    rows = []
    for text in texts:
        features = cw.sentence_features(text)
        rows.append([features[name].value for name in cw.FEATURE_NAMES])
    return sparse.csr_matrix(np.array(rows))


def _classifier(c: float) -> LogisticRegression:
    return LogisticRegression(
        C=c, class_weight="balanced", solver="liblinear", max_iter=1000, random_state=SEED
    )


def _fit(
    texts: list[str], labels: np.ndarray, sample_weights: np.ndarray, from_claimbuster: np.ndarray
) -> dict[str, Any]:
    """One candidate model fitted with ``sample_weights``, its threshold chosen, and what the
    choice of the supplement's weight compares (``_choose``)."""
    vectorizer = TfidfVectorizer(
        analyzer=cw.sentence_terms,
        sublinear_tf=True,
        min_df=MIN_DOCUMENT_FREQUENCY,
        norm="l2",
        smooth_idf=True,
    )
    matrix = sparse.hstack([vectorizer.fit_transform(texts), _named_matrix(texts)]).tocsr()
    # Folds keep each source's share of each class, so every fold holds supplement sentences.
    strata = labels + 2 * (~from_claimbuster)
    folds = list(
        StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=SEED).split(texts, strata)
    )
    fit_params = {"sample_weight": sample_weights}

    def out_of_fold(c: float) -> np.ndarray:
        margins = cross_val_predict(
            _classifier(c), matrix, labels, cv=folds, method="decision_function", params=fit_params
        )
        return np.asarray(margins[from_claimbuster], dtype=float)

    claimbuster_labels = labels[from_claimbuster]
    margins_by_c = {c: out_of_fold(c) for c in C_CHOICES}
    auc_by_c = {c: float(roc_auc_score(claimbuster_labels, margins_by_c[c])) for c in C_CHOICES}
    best_c = max(C_CHOICES, key=lambda c: (auc_by_c[c], -c))
    margins = margins_by_c[best_c]
    # Calibrated and held to the F1 floor on ClaimBuster's out-of-fold sentences alone: a score
    # keeps meaning the probability of check-worthy at ClaimBuster's balanced prior.
    platt = LogisticRegression(C=1e6, class_weight="balanced", solver="lbfgs", max_iter=1000)
    platt.fit(margins.reshape(-1, 1), claimbuster_labels)
    slope, offset = float(platt.coef_[0][0]), float(platt.intercept_[0])
    scores = 1 / (1 + np.exp(-(slope * margins + offset)))
    balanced = compute_sample_weight("balanced", claimbuster_labels)
    training_f1 = {
        t: float(f1_score(claimbuster_labels, scores >= t, sample_weight=balanced))
        for t in THRESHOLDS
    }
    final = _classifier(best_c).fit(matrix, labels, sample_weight=sample_weights)
    model = _model(vectorizer, final, slope, offset)
    development = _development_scores(model)
    eligible = [t for t in THRESHOLDS if training_f1[t] >= MIN_TRAINING_F1]
    threshold = max(eligible, key=lambda t: (_queue_f_beta(development, t), -t))
    predicted = scores >= threshold
    model["threshold"] = threshold
    return {
        "model": model,
        "margins": final.decision_function(matrix),
        "auc_by_c": auc_by_c,
        "c": best_c,
        "cv_auc": float(roc_auc_score(claimbuster_labels, margins)),
        "cv_f1_balanced": float(f1_score(claimbuster_labels, predicted, sample_weight=balanced)),
        "cv_f1": float(f1_score(claimbuster_labels, predicted)),
        "development_queue_f_beta": _queue_f_beta(development, threshold),
    }


def train(train_path: Path, supplement_path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """The model JSON and the cross-validated report."""
    claimbuster_texts, claimbuster_labels = _read(train_path)
    supplement_texts, supplement_labels = _read(supplement_path)
    texts = claimbuster_texts + supplement_texts
    labels = np.concatenate([claimbuster_labels, supplement_labels])
    from_claimbuster = np.arange(len(texts)) < len(claimbuster_texts)
    candidates = {
        weight: _fit(texts, labels, np.where(from_claimbuster, 1.0, weight), from_claimbuster)
        for weight in SUPPLEMENT_WEIGHTS
    }
    # The supplement's weight: the candidate whose development queues are best (its cut already
    # keeps the out-of-fold ClaimBuster F1 at the floor); the lighter weight on a tie.
    weight = max(SUPPLEMENT_WEIGHTS, key=lambda w: (candidates[w]["development_queue_f_beta"], -w))
    chosen = candidates[weight]
    model = chosen["model"]
    report = {
        "train_file": str(train_path.relative_to(ROOT)),
        "sentences": len(claimbuster_texts),
        "check_worthy": int(claimbuster_labels.sum()),
        "supplement_file": str(supplement_path.relative_to(ROOT)),
        "supplement_sentences": len(supplement_texts),
        "supplement_check_worthy": int(supplement_labels.sum()),
        "supplement_weight": weight,
        "development_queue_f_beta_by_supplement_weight": {
            str(w): round(candidates[w]["development_queue_f_beta"], 4) for w in SUPPLEMENT_WEIGHTS
        },
        "cv_folds": FOLDS,
        "cv_auc_by_c": {str(c): round(auc, 4) for c, auc in chosen["auc_by_c"].items()},
        "c": chosen["c"],
        "cv_auc": round(chosen["cv_auc"], 4),
        "cv_f1_balanced": round(chosen["cv_f1_balanced"], 4),
        "cv_f1": round(chosen["cv_f1"], 4),
        "threshold_rule": (
            f"the cut with the highest mean F{QUEUE_BETA} of the development articles' queues "
            f"among those with out-of-fold class-balanced F1 >= {MIN_TRAINING_F1} on the "
            "ClaimBuster training file"
        ),
        "development_queue_f_beta": round(chosen["development_queue_f_beta"], 4),
    }
    model["report"] = report
    digest = hashlib.sha256(json.dumps(model, sort_keys=True).encode()).hexdigest()[:12]
    model["version"] = f"lr-tfidf-{digest}"
    _check_agreement(model, chosen["margins"], texts)
    return model, report


def _model(
    vectorizer: TfidfVectorizer, final: LogisticRegression, slope: float, offset: float
) -> dict[str, Any]:
    """The model JSON, without its threshold, report and version yet."""
    coefficients = final.coef_[0]
    vocabulary = vectorizer.vocabulary_
    idf = vectorizer.idf_
    terms = {
        term: [round(float(idf[index]), DECIMALS), round(float(coefficients[index]), DECIMALS)]
        for term, index in sorted(vocabulary.items())
    }
    offset_named = len(vocabulary)
    model: dict[str, Any] = {
        "about": (
            "Check-worthiness model: logistic regression over TF-IDF terms and named features, "
            "Platt-calibrated. Fitted on ClaimBuster (GPL-3.0) and the news-commentary supplement "
            "by scripts/train_checkworthiness.py; see eval/claimbuster/README.md and "
            "eval/news_commentary/README.md."
        ),
        "feature_weights": {
            name: round(float(coefficients[offset_named + position]), DECIMALS)
            for position, name in enumerate(cw.FEATURE_NAMES)
        },
        "intercept": round(float(final.intercept_[0]), DECIMALS),
        "calibration": {"slope": round(slope, DECIMALS), "offset": round(offset, DECIMALS)},
        "terms": terms,
    }
    return model


def _development_scores(model: dict[str, Any]) -> list[list[tuple[float, bool]]]:
    """Per development article, each extracted claim's score as ingestion would record it with
    ``model``, and whether its label is check-worthy."""
    loaded = cw.model_from_data({**model, "threshold": 0.5, "version": "candidate"})
    articles = []
    for source, _, labels_path in LABELLED_ARTICLES:
        labelled = json.loads((ROOT / labels_path).read_text(encoding="utf-8"))
        if labelled["role"] != "development":
            continue
        text = (ROOT / source).read_text(encoding="utf-8")
        measured = article_queue_measure(
            text=text, classes=labelled_classes(labelled), model=loaded
        )
        articles.append([(float(score), worthy) for score, worthy in measured.scored])
    return articles


def _queue_f_beta(articles: list[list[tuple[float, bool]]], threshold: float) -> float:
    """The mean over ``articles`` of the F-beta of the queue at ``threshold``."""
    values = []
    for scored in articles:
        queued = [worthy for score, worthy in scored if score >= threshold]
        hits, wanted = sum(queued), sum(worthy for _, worthy in scored)
        precision = hits / len(queued) if queued else 0.0
        recall = hits / wanted if wanted else 0.0
        beta2 = QUEUE_BETA**2
        denominator = beta2 * precision + recall
        values.append((1 + beta2) * precision * recall / denominator if denominator else 0.0)
    return sum(values) / len(values)


def _check_agreement(model: dict[str, Any], expected: np.ndarray, texts: list[str]) -> None:
    """The shipped scorer gives scikit-learn's margins (to the rounding of the weights)."""
    loaded = cw.model_from_data(model)
    worst = max(
        abs(cw.sentence_margin(text, model=loaded) - float(margin))
        for text, margin in zip(texts, expected, strict=True)
    )
    if worst > MAX_MARGIN_DIFFERENCE:
        raise SystemExit(f"the pure-Python scorer differs from scikit-learn by {worst}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--train", type=Path, default=TRAIN_PATH)
    parser.add_argument("--supplement", type=Path, default=SUPPLEMENT_PATH)
    parser.add_argument("--write", action="store_true", help="write the model (to --output)")
    parser.add_argument("--output", type=Path, default=cw.MODEL_PATH)
    arguments = parser.parse_args()
    model, report = train(arguments.train.resolve(), arguments.supplement.resolve())
    print(json.dumps(report, indent=1, sort_keys=True))
    if arguments.write:
        text = json.dumps(model, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        arguments.output.write_text(text + "\n", encoding="utf-8")
        print(f"wrote {arguments.output} ({model['version']})")


if __name__ == "__main__":
    main()
