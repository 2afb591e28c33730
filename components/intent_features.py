"""The intent classifier's input built without the work Rasa throws away.

Rasa 3.6's LogisticRegressionClassifier reads only a message's sentence features, but gets
them with `Message.get_sparse_features`, which also deep-copies and joins every sequence
feature (one row per token) and then drops them. And scikit-learn's `predict_proba` multiplies
by the transposed coefficient matrix, which scipy copies into row order on every call.

Here the sentence features are joined directly (the same matrix: same columns, same order),
and the coefficients are stored column-major once, so their transpose is already in row
order (the same numbers in the same order of sums). Messages with dense features go
Rasa's way: this pipeline has none.

`SIGNPOST_CHECK_SPEEDUPS=1` compares each matrix with Rasa's and raises if they differ.
"""

from __future__ import annotations

from typing import Any


def sentence_matrix(messages: list[Any]) -> Any | None:
    """The rows Rasa's `_create_X` builds, or None where a message has dense features."""
    from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
    from scipy.sparse import csr_matrix, hstack, vstack

    rows = []
    for message in messages:
        parts = []
        for features in message.features:
            if features.attribute != TEXT or features.type != FEATURE_TYPE_SENTENCE:
                continue
            if not features.is_sparse():
                return None
            parts.append(features.features)
        if not parts:
            return None
        rows.append(hstack(parts, format="csr") if len(parts) > 1 else csr_matrix(parts[0]))
    return rows[0] if len(rows) == 1 else vstack(rows, format="csr")


def install(check: bool = False) -> None:
    import numpy as np
    from rasa.nlu.classifiers.logistic_regression_classifier import (
        LogisticRegressionClassifier,
    )

    original_create_x = LogisticRegressionClassifier._create_X
    original_process = LogisticRegressionClassifier.process
    if getattr(original_process, "_signpost_direct", False):
        return

    def create_x(self: Any, messages: list[Any]) -> Any:
        matrix = sentence_matrix(messages)
        if matrix is None:
            return original_create_x(self, messages)
        if check:
            expected = original_create_x(self, messages)
            if matrix.shape != expected.shape or (matrix != expected).nnz:
                raise AssertionError("intent classifier input differs from Rasa's")
        return matrix

    def process(self: Any, messages: list[Any]) -> list[Any]:
        coefficients = getattr(self.clf, "coef_", None)
        if isinstance(coefficients, np.ndarray) and not coefficients.flags.f_contiguous:
            self.clf.coef_ = np.asfortranarray(coefficients)
        return original_process(self, messages)

    process._signpost_direct = True  # type: ignore[attr-defined]
    LogisticRegressionClassifier._create_X = create_x  # type: ignore[method-assign]
    LogisticRegressionClassifier.process = process  # type: ignore[method-assign]
