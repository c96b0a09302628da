"""The rule catalogue as the reports see it: `checks.registry`, imported lazily.

Reports must render even when a run holds a rule id the registry does not know (an older
database, a rule renamed, a registry being rewritten): such a rule gets its id as title and
empty documentation, never an exception.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

SEVERITY_ZH = {"error": "严重", "warning": "警告", "info": "提示"}
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}

_FIELDS = ("id", "severity", "status", "since", "family", "title_zh", "summary", "basis", "rationale", "fix",
           "bad", "good", "options")


def _registry():
    try:
        from checks import registry  # lazy on purpose: a report must render without the checks
    except Exception:  # ImportError, or a registry module half-written: degrade, never crash a report
        return None
    return registry


def _basis_items(basis: Any) -> list[dict]:
    if not basis:
        return []
    if isinstance(basis, (str, dict)):
        basis = [basis]
    out = []
    for b in basis:
        if isinstance(b, str):
            out.append({"document": b, "article": "", "confirmed": True})
        elif isinstance(b, dict):
            out.append({"document": b.get("document") or "", "article": b.get("article") or "",
                        "confirmed": b.get("confirmed", True) is not False})
        else:
            out.append({"document": getattr(b, "document", str(b)), "article": getattr(b, "article", ""),
                        "confirmed": getattr(b, "confirmed", True) is not False})
    return out


def _as_dict(rule: Any) -> dict:
    src = rule if isinstance(rule, dict) else {name: getattr(rule, name, None) for name in _FIELDS}
    out = {name: src.get(name) for name in _FIELDS}
    out["basis"] = _basis_items(out.get("basis"))
    out["basis_text"] = "；".join(
        (b["document"] + (" " + b["article"] if b["article"] else "") + ("（出处未经核实）" if not b["confirmed"] else ""))
        for b in out["basis"])
    out["options"] = list(out.get("options") or [])
    out["known"] = True
    return out


@lru_cache(maxsize=1)
def all_rules() -> tuple[dict, ...]:
    """Every registered rule as a plain dict (empty when the registry cannot be imported)."""
    registry = _registry()
    if registry is None:
        return ()
    try:
        rules = registry.catalogue() if hasattr(registry, "catalogue") else list(getattr(registry, "RULES", []))
    except Exception:
        return ()
    out = []
    for rule in rules or []:
        try:
            info = _as_dict(rule)
        except Exception:
            continue
        if info.get("id"):
            out.append(info)
    return tuple(out)


def registry_available() -> bool:
    return bool(all_rules())


def rule_info(rule_id: str | None) -> dict:
    """The registry entry of `rule_id`, or a stand-in that says the rule is unknown."""
    for info in all_rules():
        if info["id"] == rule_id:
            return info
    info = {name: None for name in _FIELDS}
    info.update({"id": rule_id or "", "title_zh": rule_id or "（未知规则）", "basis": [], "basis_text": "",
                 "options": [], "known": False})
    return info


def is_known(rule_id: str) -> bool | None:
    """True/False when the registry can say; None when there is no registry to ask."""
    if not registry_available():
        return None
    return any(info["id"] == rule_id for info in all_rules())


def clear_cache() -> None:
    all_rules.cache_clear()
