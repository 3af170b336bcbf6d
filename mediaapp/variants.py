"""Variant stacks: the key shared by items that differ only by their seed."""

import hashlib
import json
from typing import Any

# Settings left out of the key: the one thing variants of a generation differ by.
VARIANT_BLIND = frozenset({"seed"})
# The key's length in hex digits (128 bits of SHA-256): short enough for a lean index, and
# never the shape of a dashed UUID, so `variantOf` tells a key from an item's id.
KEY_LENGTH = 32


def _canonical(value: Any) -> Any:
    """One spelling per JSON value: 2.0 and 2 are the same setting (JSONB and SQLite may hand
    either back), so integral floats become ints; objects are sorted when dumped."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {str(key): _canonical(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_canonical(item) for item in value]
    return value


def variant_key(media_type: str, prompt: str, model: str, settings: Any) -> str:
    """The stack an item belongs to: a digest of the canonical JSON of its type, prompt, model
    and settings without the seed. Items with the same key are variants of one another."""
    rest = (
        {key: value for key, value in settings.items() if key not in VARIANT_BLIND}
        if isinstance(settings, dict)
        else settings
    )
    blob = json.dumps(
        {"type": str(media_type), "prompt": prompt, "model": model, "settings": _canonical(rest)},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(blob.encode("utf-8", "surrogatepass")).hexdigest()[:KEY_LENGTH]


def key_of_values(values: dict[str, Any]) -> str:
    """variant_key of a row about to be written (a dict with type, prompt, model, settings)."""
    return variant_key(values["type"], values["prompt"], values["model"], values["settings"])
