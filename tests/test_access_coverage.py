"""Every route of the app is covered by an access-matrix test (tests/**/test_access.py)."""

import importlib
from pathlib import Path


def covered_endpoints() -> set[str]:
    covered = set()
    for path in Path(__file__).parent.rglob("test_access.py"):
        module_name = ".".join(path.relative_to(Path(__file__).parent.parent).with_suffix("").parts)
        covered |= set(importlib.import_module(module_name).ENDPOINTS)
    return covered


def test_every_route_is_in_an_access_matrix(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()} - {"static"}
    missing = sorted(endpoints - covered_endpoints())
    assert not missing, f"routes without an access test: {missing}"
