"""Profiles: every threshold, category list, keyword and politeness setting, as TOML data.

One precedence ladder, resolved here and nowhere else:
    bundled `default.toml`  <  the chosen profile (bundled name or a user file)  <  CLI flags.

`default.toml` is the commented reference and declares every key: a profile may only set
keys that exist there, with a value of the same type (an int where a float is declared is
fine). Keys whose name ends in `pattern`/`patterns` must hold valid regular expressions.
A wrong profile fails with the file, the key and what was expected.
"""

from __future__ import annotations

import copy
import re
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

BUNDLED = "xxgk.profiles"


class ProfileError(Exception):
    """A profile that cannot be used; the message names the file and the key."""


def bundled_names() -> list[str]:
    return sorted(p.name[:-5] for p in resources.files(BUNDLED).iterdir() if p.name.endswith(".toml"))


def _read_toml(source: str, text: str) -> dict:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{source}: not valid TOML: {exc}") from exc


def _bundled_text(name: str) -> str:
    return resources.files(BUNDLED).joinpath(f"{name}.toml").read_text(encoding="utf-8")


def _type_name(value: Any) -> str:
    return {bool: "a boolean", int: "an integer", float: "a number", str: "a string",
            list: "a list", dict: "a table"}.get(type(value), type(value).__name__)


def _check(source: str, key: str, value: Any, reference: Any) -> None:
    """Check `value` against the declared `reference` value of the same key."""
    if isinstance(reference, bool) or isinstance(value, bool):
        ok = isinstance(value, bool) and isinstance(reference, bool)
    elif isinstance(reference, float):
        ok = isinstance(value, (int, float))
    else:
        ok = isinstance(value, type(reference))
    if not ok:
        raise ProfileError(f"{source}: key `{key}` must be {_type_name(reference)}, got {value!r}")
    if key.rsplit(".", 1)[-1].endswith(("pattern", "patterns")) and isinstance(reference, (str, list)):
        for pattern in value if isinstance(value, list) else [value]:
            try:
                re.compile(pattern)
            except (re.error, TypeError) as exc:
                raise ProfileError(f"{source}: key `{key}`: bad regular expression {pattern!r}: {exc}") from exc


def _merge(source: str, base: dict, override: dict, declared: dict, prefix: str = "") -> dict:
    out = copy.deepcopy(base)
    for key, value in override.items():
        path = f"{prefix}{key}"
        if key not in declared:
            known = ", ".join(sorted(declared)) or "(none)"
            raise ProfileError(f"{source}: unknown key `{path}` (known here: {known})")
        ref = declared[key]
        if isinstance(ref, dict) and isinstance(value, dict) and ref:
            out[key] = _merge(source, base.get(key, {}), value, ref, path + ".")
        else:
            _check(source, path, value, ref)
            if isinstance(ref, list) and ref and isinstance(ref[0], dict):
                _check_table_list(source, path, value, ref[0])
            out[key] = copy.deepcopy(value)
    return out


def _check_table_list(source: str, path: str, items: list, template: dict) -> None:
    """Arrays of tables (categories, column classes) are checked against their first entry."""
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise ProfileError(f"{source}: `{path}[{i}]` must be a table like {template!r}")
        for key, value in item.items():
            if key not in template:
                raise ProfileError(f"{source}: unknown key `{path}[{i}].{key}` (known: {', '.join(template)})")
            _check(source, f"{path}[{i}].{key}", value, template[key])


class Profile(dict):
    """The resolved profile: a nested dict with the name and source it came from."""

    name: str = "default"
    source: str = "bundled:default"

    def get_path(self, dotted: str, default: Any = None) -> Any:
        node: Any = self
        for part in dotted.split("."):
            if not isinstance(node, dict) or part not in node:
                return default
            node = node[part]
        return node


def load_profile(name_or_path: str | None = None, overrides: dict | None = None) -> Profile:
    """Resolve a profile: bundled default < named or file profile < `overrides` (CLI flags)."""
    declared = _read_toml("bundled:default", _bundled_text("default"))
    resolved = copy.deepcopy(declared)
    name, source = "default", "bundled:default"
    if name_or_path and name_or_path != "default":
        path = Path(name_or_path)
        if path.suffix == ".toml" or path.exists():
            if not path.is_file():
                raise ProfileError(f"profile file {path} does not exist (bundled: {', '.join(bundled_names())})")
            source, text = str(path), path.read_text(encoding="utf-8")
            name = path.stem
        elif name_or_path in bundled_names():
            source, text = f"bundled:{name_or_path}", _bundled_text(name_or_path)
            name = name_or_path
        else:
            raise ProfileError(
                f"unknown profile {name_or_path!r}: give a bundled name ({', '.join(bundled_names())}) "
                "or the path of a .toml file"
            )
        data = _read_toml(source, text)
        data.pop("extends", None)  # every profile extends the default; the key is documentation
        resolved = _merge(source, resolved, data, declared)
    if overrides:
        resolved = _merge("command line", resolved, overrides, declared)
    profile = Profile(resolved)
    profile.name, profile.source = name, source
    return profile


def profile_text(name_or_path: str) -> str:
    path = Path(name_or_path)
    if path.is_file():
        return path.read_text(encoding="utf-8")
    if name_or_path in bundled_names():
        return _bundled_text(name_or_path)
    raise ProfileError(f"unknown profile {name_or_path!r}")
