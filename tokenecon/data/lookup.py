"""Name lookups for accelerators and models: case-insensitive, unknown names refused with the known ones.

``hardware_row("h200")`` and ``hardware_row("H200 SXM")`` both return the ``hardware`` table's H200 row;
``model_row("MiniMax-M2.5")`` returns the ``models`` row keyed ``minimax-m2.5``. Tables are read on
first use (no I/O at import) through :func:`tokenecon.data.load`, the data layer's one cache, so
:func:`tokenecon.data.override` injects them in tests and :func:`tokenecon.data.cache_clear` resets them.
"""

from __future__ import annotations

import re

import pandas as pd

from tokenecon import data


def _norm(name: str) -> str:
    return re.sub(r"[\s_\-()/]+", "", str(name).strip().lower())


def _hardware() -> pd.DataFrame:
    return data.load("hardware")


def _models() -> pd.DataFrame:
    return data.load("models")


def known_hardware() -> list[str]:
    return list(_hardware()["hardware"])


def known_models() -> list[str]:
    return list(_models()["model"])


def _index(table: pd.DataFrame, key: str, alias: str, norm) -> tuple[dict[str, str], dict[str, pd.Series]]:
    """(``norm`` of each key and alias -> key, key -> row), the first row of a name winning."""
    names: dict[str, str] = {}
    for k, a in zip(table[key], table[alias]):
        names.setdefault(norm(k), k)
        names.setdefault(norm(a), k)
    rows = {}
    for i, k in enumerate(table[key]):
        rows.setdefault(k, table.iloc[i])
    return names, rows


def _hardware_index(hw: pd.DataFrame):
    """Hardware keys and chip names, ignoring case, spaces and dashes."""
    return _index(hw, "hardware", "chip_name", _norm)


def _model_index(m: pd.DataFrame):
    """Model keys (as written) and display names (lower case)."""
    return _index(m, "model", "display_name", lambda v: str(v).lower())


def hardware_name(name: str) -> str:
    """The ``hardware`` key for ``name`` (matches the key or the chip name, ignoring case, spaces, dashes)."""
    names, _ = data.derived("hardware", _hardware_index)
    key = names.get(_norm(name))
    if key is None:
        raise ValueError(f"hardware: unknown name {name!r}; known: {', '.join(known_hardware())}")
    return key


def model_name(name: str) -> str:
    """The ``models`` key for ``name`` (matches the key or the display name, ignoring case)."""
    names, _ = data.derived("models", _model_index)
    key = names.get(str(name).strip().lower())
    if key is None:
        raise ValueError(f"model: unknown name {name!r}; known: {', '.join(known_models())}")
    return key


def hardware_row(name: str) -> pd.Series:
    """The ``hardware`` table's row for ``name`` (shared: do not change it)."""
    return data.derived("hardware", _hardware_index)[1][hardware_name(name)]


def model_row(name: str) -> pd.Series:
    """The ``models`` table's row for ``name`` (shared: do not change it)."""
    return data.derived("models", _model_index)[1][model_name(name)]


# --------------------------------------------------------------------------- OpenRouter slugs

#: A release date or version stamp at the end of an OpenRouter permaslug (-YYYY-MM-DD, -YYYYMMDD, -YYYY, -MM-DD):
#: the one rule every table and lookup uses to strip it.
DATE_SUFFIX = re.compile(r"-(\d{4}-\d{2}-\d{2}|\d{8}|\d{4}|\d{2}-\d{2})$")


def model_base(slug: str) -> str:
    """OpenRouter permaslug without variant (``:free``) or trailing release date.

    >>> model_base("minimax/minimax-m2.5-20260211"), model_base("qwen/qwen3.6-plus-04-02:free")
    ('minimax/minimax-m2.5', 'qwen/qwen3.6-plus')
    """
    s = str(slug).split(":", 1)[0]
    return DATE_SUFFIX.sub("", s)


# --------------------------------------------------------------------------- display names

#: Bloc codes (the ``labs`` table's) in words.
BLOC_WORDS = {"china": "China", "us": "the US", "europe": "Europe", "other": "other countries",
              "unknown": "unknown origin"}

def _by_openrouter_slug() -> dict[str, str]:
    return data.derived("models", _display_by_slug)


def _display_by_slug(models: pd.DataFrame) -> dict[str, str]:
    out = {}
    for key, disp, slugs in zip(models["model"], models["display_name"], models["openrouter_slug"]):
        for s in str(slugs if isinstance(slugs, str) else "").split("|"):
            if s:
                out[s.lower()] = str(disp)
        out.setdefault(str(key).lower(), str(disp))
    return out


def _openrouter_names() -> dict[str, str]:
    try:
        return data.derived("openrouter_weekly_top10", _names_by_slug)
    except FileNotFoundError:  # a name falls back to the slug's own words
        return {}


def _names_by_slug(top: pd.DataFrame) -> dict[str, str]:
    out = {}
    for slug, name in zip(top["model_slug"], top["model_name"]):
        if isinstance(name, str) and name:
            out[str(slug).lower()] = name.split(": ", 1)[-1]  # "xAI: Grok Code Fast 1" -> "Grok Code Fast 1"
    return out


def model_display_name(slug: str) -> str:
    """A model as people name it: the ``models`` table's display name (by key or OpenRouter slug, date
    suffix ignored), else OpenRouter's own name for it, else the slug's words ("mimo-v2-pro" -> "Mimo V2 Pro");
    a variant tag stays in words ("...:free" -> "... (free)")."""
    s = str(slug).strip().lower()
    if not s:
        raise ValueError("model: empty slug")
    variant = s.partition(":")[2]
    name = _display_name(s)
    return f"{name} ({variant})" if variant and variant not in name.lower() else name


def distinct_display_names(slugs) -> list[str]:
    """:func:`model_display_name` of each slug, with the release date added where two versions of a model would
    read alike ("DeepSeek V4 Flash (2026-07-31)" beside "DeepSeek V4 Flash (2026-04-23)")."""
    slugs = [str(x) for x in slugs]
    names = [model_display_name(x) for x in slugs]
    out = []
    for slug, name in zip(slugs, names):
        twins = {s for s, n in zip(slugs, names) if n == name}
        date = DATE_SUFFIX.search(slug.split(":", 1)[0])
        stamp = date.group(1) if date else ""
        if re.fullmatch(r"\d{8}", stamp):
            stamp = f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:]}"
        out.append(f"{name} ({stamp})" if len(twins) > 1 and stamp else name)
    return out


def _display_name(s: str) -> str:
    base = model_base(s)
    for cand in (s, base):
        hit = _by_openrouter_slug().get(cand)
        if hit:
            return hit
    try:
        return str(model_row(s.split("/")[-1])["display_name"])
    except ValueError:
        pass
    for cand in (s, base):
        hit = _openrouter_names().get(cand)
        if hit:
            return hit
    words = base.split("/")[-1].replace("_", "-").split("-")
    return " ".join(w.upper() if re.fullmatch(r"v\d+(\.\d+)?|\d+b", w) else w[:1].upper() + w[1:] for w in words if w)
