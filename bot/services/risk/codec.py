"""RiskModel <-> JSON: versioned, plain types only, floats kept exactly (repr round-trips)."""

from __future__ import annotations

import json
import math
from dataclasses import asdict
from datetime import date
from typing import Any

from bot.services.risk.calibration import Platt
from bot.services.risk.features import FEATURES
from bot.services.risk.levels import LEVELS
from bot.services.risk.logistic import LogisticFit
from bot.services.risk.model import VERSION, Params, RiskModel, Tables
from bot.services.risk.rates import Priors
from bot.services.risk.reasons import Record, Records


def _levels(model: RiskModel) -> dict[str, dict[str, list[float]]]:
    """Per level and key: weighted orders, weighted late, then the recent record."""
    out: dict[str, dict[str, list[float]]] = {}
    for level in LEVELS:
        records = model.records[level]
        out[level] = {}
        for key, (n, late) in model.tables[level].items():
            record = records.get(key, Record(0, 0, 0))
            out[level][key] = [n, late, record.late, record.total, record.median_days_late]
    return out


def encode(model: RiskModel) -> str:
    """The model as a JSON document."""
    document: dict[str, Any] = {
        "version": model.version,
        "as_of": model.as_of.isoformat(),
        "window": [model.window[0].isoformat(), model.window[1].isoformat()],
        "rows": model.rows,
        # NaN is not JSON (PostgreSQL's jsonb refuses it): a metric that could not be computed
        # is left out.
        "metrics": {k: v for k, v in model.metrics.items() if not math.isnan(v)},
        "params": asdict(model.params),
        "lead_days": model.lead_days,
        "priors": asdict(model.priors),
        "base_rate": model.base_rate,
        "features": list(FEATURES),
        "logistic": asdict(model.logistic),
        "platt": asdict(model.platt),
        "levels": _levels(model),
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


def _params(document: dict[str, Any]) -> Params:
    params = dict(document)
    if params["priors"] is not None:
        params["priors"] = Priors(**params["priors"])
    return Params(**params)


def _tables(levels: dict[str, dict[str, list[float]]]) -> tuple[Tables, Records]:
    tables = {level: {key: (v[0], v[1]) for key, v in levels[level].items()} for level in LEVELS}
    records = {
        level: {key: Record(int(v[2]), int(v[3]), int(v[4])) for key, v in levels[level].items()}
        for level in LEVELS
    }
    return tables, records


def decode(text: str) -> RiskModel:
    """A model back from `encode`'s output; refuses other versions or feature lists."""
    document = json.loads(text)
    if document.get("version") != VERSION or document.get("features") != list(FEATURES):
        raise ValueError(f"unsupported risk model: version {document.get('version')}")
    fit = document["logistic"]
    tables, records = _tables(document["levels"])
    return RiskModel(
        as_of=date.fromisoformat(document["as_of"]),
        window=(
            date.fromisoformat(document["window"][0]),
            date.fromisoformat(document["window"][1]),
        ),
        rows=document["rows"],
        params=_params(document["params"]),
        lead_days=document["lead_days"],
        priors=Priors(**document["priors"]),
        base_rate=document["base_rate"],
        tables=tables,
        records=records,
        logistic=LogisticFit(
            fit["intercept"], tuple(fit["coefs"]), tuple(fit["means"]), tuple(fit["scales"])
        ),
        platt=Platt(**document["platt"]),
        metrics=dict(document["metrics"]),
    )
