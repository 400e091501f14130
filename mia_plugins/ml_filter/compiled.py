"""One-row inference without the libraries' per-call overhead: the fitted models' numbers in plain lists."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray


class LinearForm:
    """A standardising logistic regression (a scikit-learn ``StandardScaler`` + ``LogisticRegression`` pipeline)."""

    def __init__(self, pipeline: Any) -> None:
        scaler, model = pipeline.steps[0][1], pipeline.steps[-1][1]
        sign = 1.0 if list(model.classes_).index(1) == 1 else -1.0
        scale = np.where(scaler.scale_ == 0, 1.0, scaler.scale_)
        self.weights = sign * model.coef_[0] / scale
        self.bias = float(sign * (model.intercept_[0] - np.dot(model.coef_[0], scaler.mean_ / scale)))

    def probability(self, x: NDArray[np.float64]) -> float:
        """P(class 1) of one row."""
        z = float(np.dot(self.weights, x)) + self.bias
        return 1.0 / (1.0 + math.exp(-z)) if z > -700 else 0.0


class ForestForm:
    """A scikit-learn random forest: per tree the split features, thresholds, children and leaf probabilities."""

    def __init__(self, forest: Any) -> None:
        column = list(forest.classes_).index(1)
        self.trees: list[tuple[list[int], list[float], list[int], list[int], list[float]]] = []
        for estimator in forest.estimators_:
            tree = estimator.tree_
            value = tree.value[:, 0, :]
            totals = value.sum(axis=1)
            leaf = np.where(totals > 0, value[:, column] / np.where(totals > 0, totals, 1.0), 0.0)
            self.trees.append((tree.feature.tolist(), tree.threshold.tolist(), tree.children_left.tolist(),
                               tree.children_right.tolist(), leaf.tolist()))

    def probability(self, row: list[float]) -> float:
        """Mean leaf probability of class 1 over the trees for one row (a list of floats)."""
        total = 0.0
        for feature, threshold, left, right, leaf in self.trees:
            node = 0
            while left[node] != -1:
                node = left[node] if row[feature[node]] <= threshold[node] else right[node]
            total += leaf[node]
        return total / len(self.trees)


class BoosterForm:
    """An XGBoost classifier's trees (from ``trees_to_dataframe``): a row goes left ("yes") when below the split."""

    def __init__(self, classifier: Any) -> None:
        booster = classifier.get_booster()
        frame = booster.trees_to_dataframe()
        names = booster.feature_names
        index = {n: i for i, n in enumerate(names)} if names else {}
        self.trees: list[tuple[list[int], list[float], list[int], list[int], list[float]]] = []
        for _, tree in frame.groupby("Tree", sort=True):
            ids = {node_id: k for k, node_id in enumerate(tree["ID"].tolist())}
            feature, split, yes, no, leaf = [], [], [], [], []
            for f, cut, y, n, gain in zip(tree["Feature"], tree["Split"], tree["Yes"], tree["No"], tree["Gain"],
                                          strict=True):
                is_leaf = f == "Leaf"
                feature.append(-1 if is_leaf else index.get(f, int(str(f)[1:]) if not index else -1))
                split.append(0.0 if is_leaf else float(np.float32(cut)))  # XGBoost splits on float32
                yes.append(-1 if is_leaf else ids[y])
                no.append(-1 if is_leaf else ids[n])
                leaf.append(float(gain) if is_leaf else 0.0)
            self.trees.append((feature, split, yes, no, leaf))
        probe = np.zeros((1, len(names) if names else classifier.n_features_in_), dtype=np.float32)
        margin = float(booster.inplace_predict(probe, predict_type="margin")[0])
        self.base = margin - self._sum(probe[0].astype(float).tolist())

    def _sum(self, row: list[float]) -> float:
        total = 0.0
        for feature, split, yes, no, leaf in self.trees:
            node = 0
            while yes[node] != -1:
                node = yes[node] if row[feature[node]] < split[node] else no[node]
            total += leaf[node]
        return total

    def probability(self, x: NDArray[np.float64]) -> float:
        """P(class 1) of one row, compared in float32 as XGBoost does."""
        z = self.base + self._sum(x.astype(np.float32).tolist())
        return 1.0 / (1.0 + math.exp(-z)) if z > -700 else 0.0
