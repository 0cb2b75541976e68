"""Tenant navigation entries contributed by modules: (endpoint, permission, zh, en)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    permission: str
    zh: str
    en: str


NAV: list[NavItem] = []


def add_nav(endpoint: str, permission: str, zh: str, en: str) -> None:
    if not any(item.endpoint == endpoint for item in NAV):
        NAV.append(NavItem(endpoint, permission, zh, en))
