"""``jtai link explain``: why two records were or were not linked, field by field."""

from __future__ import annotations

import json
import math
import sqlite3
from dataclasses import dataclass, field
from typing import Any

from jtai.errors import NotFoundError
from jtai.linkage.clusters import NHS_CONFLICT, REVIEWER_CONFLICT, SEX_CONFLICT, UPN_CONFLICT
from jtai.linkage.normalise import STRONG_IDS, identity_frame
from jtai.linkage.probabilistic import MODEL_COLUMNS, score_pair
from jtai.store import linkage as store

_LABELS = {
    "nhs_number": "NHS number",
    "la_child_id": "Council child id",
    "upn": "UPN",
    "pnc_id": "PNC id",
    "first_name": "First name",
    "last_name": "Last name",
    "dob": "Date of birth",
    "postcode": "Postcode",
    "sex": "Sex",
    "address_line_1": "Address",
    "address_line_2": "Address (2)",
    "town": "Town",
    "email": "Email",
    "phone": "Phone",
    "agency_person_id": "Agency person id",
}


def field_label(name: str) -> str:
    """How a field is named to people: ``nhs_number`` is "NHS number"."""
    return _LABELS.get(name, name)


@dataclass(frozen=True)
class FieldWeight:
    """One comparison of the model: the field (its id), the two values, their level, its weight."""

    name: str
    left: str | None
    right: str | None
    level: str
    weight: float

    @property
    def label(self) -> str:
        """The field as people name it."""
        return field_label(self.name)


@dataclass
class Explanation:
    """Everything that decided whether two records belong to one child."""

    left: dict[str, Any]
    right: dict[str, Any]
    same_child: bool
    # (field id, left value, right value, "same" / "different" / "missing")
    identifiers: list[tuple[str, str | None, str | None, str]] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    pair: dict[str, Any] | None = None
    decision: dict[str, Any] | None = None
    fields: list[FieldWeight] = field(default_factory=list)
    prior_weight: float | None = None
    match_weight: float | None = None
    match_probability: float | None = None
    verdict: str = ""

    def as_dict(self) -> dict[str, Any]:
        """Plain data for ``--json`` (record references, not record contents)."""
        return {
            "left": f"R{self.left['id']}",
            "right": f"R{self.right['id']}",
            "same_child": self.same_child,
            "identifiers": [
                {"field": f, "field_label": field_label(f), "left": a, "right": b, "result": r}
                for f, a, b, r in self.identifiers
            ],
            "must_not_link": self.rules,
            "pair_status": self.pair["status"] if self.pair else None,
            "decision": self.decision,
            "fields": [
                {
                    "field": w.name,
                    "field_label": w.label,
                    "left": w.left,
                    "right": w.right,
                    "level": w.level,
                    "weight": w.weight,
                }
                for w in self.fields
            ],
            "prior_weight": self.prior_weight,
            "match_weight": self.match_weight,
            "match_probability": self.match_probability,
            "verdict": self.verdict,
        }


def explain(conn: sqlite3.Connection, left_id: int, right_id: int) -> Explanation:
    """Explain the link (or its absence) between two records.

    Raises:
        NotFoundError: a record does not exist.
    """
    import pandas as pd

    rows = {r["id"]: r for r in store.records_by_id(conn, [left_id, right_id])}
    for rid in (left_id, right_id):
        if rid not in rows:
            raise NotFoundError(f"There is no record R{rid} in this workspace.")
    left, right = rows[left_id], rows[right_id]
    raw = pd.DataFrame([left, right])
    for column in store.IDENTITY_COLUMNS[1:]:
        raw[column] = raw[column].astype("string")
    ident: list[dict[str, Any]] = [
        {str(k): v for k, v in row.items()} for row in identity_frame(raw).to_dict("records")
    ]
    a, b = ident[0], ident[1]
    out = Explanation(
        left=left,
        right=right,
        same_child=left["child_id"] is not None and left["child_id"] == right["child_id"],
    )
    for name in (*STRONG_IDS, "agency_person_id"):
        va, vb = a[name], b[name]
        if name == "agency_person_id" and left["agency"] != right["agency"]:
            continue
        verdict = "missing" if va is None or vb is None else ("same" if va == vb else "different")
        out.identifiers.append((name, va, vb, verdict))
    if a["nhs_number"] and b["nhs_number"] and a["nhs_number"] != b["nhs_number"]:
        out.rules.append(NHS_CONFLICT)
    if a["upn"] and b["upn"] and a["upn"] != b["upn"]:
        out.rules.append(UPN_CONFLICT)
    if a["sex"] and b["sex"] and a["sex"] != b["sex"]:
        out.rules.append(SEX_CONFLICT)
    if a["subject"] != b["subject"]:
        out.rules.append("one is an adult, the other a child")
    reps = store.representative(conn, left_id), store.representative(conn, right_id)
    out.pair = store.pair(conn, *reps) if reps[0] != reps[1] else None
    low, high = sorted(reps)
    latest = [d for d in store.decisions(conn) if (d["left_id"], d["right_id"]) == (low, high)]
    out.decision = latest[-1] if latest else None
    if out.decision and out.decision["decision"] == "different":
        out.rules.append(REVIEWER_CONFLICT)
    saved = store.model_settings(conn)
    if saved is not None:
        _score(out, saved, a, b)
    out.verdict = _verdict(out)
    return out


def _score(out: Explanation, saved: str, a: dict[str, Any], b: dict[str, Any]) -> None:
    """Fill the model's field-by-field weights for the two identities."""
    payload = json.loads(saved)
    model, tf = payload["model"], payload.get("tf", {})
    sides = []
    for node_id, rec in ((0, a), (1, b)):
        side = {"node_id": node_id, **{c: rec.get(c) for c in payload.get("columns", MODEL_COLUMNS)}}
        for column, table in tf.items():
            value = rec.get(column)
            side[f"tf_{column}"] = table.get(value, min(table.values(), default=1.0)) if value else None
        sides.append(side)
    scored = score_pair(json.dumps(model), sides[0], sides[1])
    prior = model.get("probability_two_random_records_match", 1e-5)
    out.prior_weight = round(math.log2(prior / (1 - prior)), 2)
    for comparison in model["comparisons"]:
        name = comparison["output_column_name"]
        weight = float(scored.get(f"mw_{name}") or 0.0) + float(scored.get(f"mw_tf_adj_{name}") or 0.0)
        out.fields.append(
            FieldWeight(
                name=name,
                left=a.get(name),
                right=b.get(name),
                level=_level(comparison, float(scored.get(f"mw_{name}") or 0.0), a.get(name), b.get(name)),
                weight=round(weight, 2),
            )
        )
    out.match_weight = round(float(scored["match_weight"]), 2)
    out.match_probability = round(float(scored["match_probability"]), 4)


def _level(comparison: dict[str, Any], weight: float, left: Any, right: Any) -> str:
    """The label of the comparison level whose weight is ``weight``."""
    if left is None or right is None:
        return "missing on one side"
    best, label = math.inf, ""
    for level in comparison["comparison_levels"]:
        if level.get("is_null_level"):
            continue
        m, u = level.get("m_probability"), level.get("u_probability")
        if not m or not u:
            continue
        gap = abs(math.log2(m / u) - weight)
        if gap < best:
            best, label = gap, str(level.get("label_for_charts", ""))
    return label


def _verdict(out: Explanation) -> str:
    """One sentence: what happened to this pair and why."""
    same = [field_label(f) for f, _, _, r in out.identifiers if r == "same"]
    if out.same_child:
        if out.decision and out.decision["decision"] == "same":
            return "Linked: a reviewer decided they are the same child."
        if same:
            return f"Linked: they share {', '.join(same)}."
        if out.pair and out.pair["status"] == "linked" and out.pair["reason"]:
            return f"Linked: {out.pair['reason']}."
        if out.pair and out.pair["status"] == "linked":
            return "Linked: the model scored them above the upper threshold."
        return "Linked: both are linked to the same other records."
    if out.rules:
        return f"Not linked: {out.rules[0]} (a must-not-link rule)."
    if out.pair and out.pair["status"] == "review" and out.pair["reason"]:
        return f"Not linked yet: {out.pair['reason']}, so the pair waits for review."
    if out.pair and out.pair["status"] == "review":
        return "Not linked yet: the pair waits for review (`jtai link review`)."
    if out.pair and out.pair["status"] == "blocked":
        return f"Not linked: linking them would join {out.pair['reason']} in one child."
    if out.decision:
        return f"Not linked: a reviewer answered {out.decision['decision']!r}."
    if out.pair is None and out.match_probability is not None:
        return "Not linked: no blocking rule paired them, or they scored below the lower threshold."
    return "Not linked: no shared identifier and no model score above the thresholds."
