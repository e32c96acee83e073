"""The package's `__all__` names exactly what it exports (the httpx habit)."""

from __future__ import annotations

from warden.audit import alerts


def test_every_public_name_is_importable_and_listed_once() -> None:
    assert len(set(alerts.__all__)) == len(alerts.__all__)
    for name in alerts.__all__:
        assert getattr(alerts, name) is not None
    exported = {
        name
        for name, value in vars(alerts).items()
        if not name.startswith("_") and not isinstance(value, type(alerts))
    }
    assert exported - {"annotations"} == set(alerts.__all__)
