"""Test helper: change what the registry holds for one test."""

from t2a.registry import Contribution, registry


def only(monkeypatch, kind: type[Contribution], *items: Contribution, keep=lambda c: False):
    """For this test, the registry holds `items` (plus those `keep` selects) of `kind`."""
    current = [c for c in registry.all(kind) if keep(c)]
    monkeypatch.setitem(registry._items, kind, [*current, *items])


def plus(monkeypatch, *items: Contribution) -> None:
    """For this test, the registry also holds `items`."""
    for item in items:
        kind = type(item)
        monkeypatch.setitem(registry._items, kind, [*registry._items.get(kind, []), item])
