"""Helpers shared by the accounts tests (not fixtures)."""

from __future__ import annotations

import re

PASSWORD = "correct-horse-42"


def login(client, username: str = "alice", password: str = PASSWORD, **kwargs):
    return client.post("/login", data={"username": username, "password": password}, **kwargs)


def csrf_from(html: str) -> str:
    """Read the token the way a browser submits it: from the page's hidden field or meta tag."""
    match = re.search(r'name="csrf_token" value="([^"]+)"', html) or re.search(
        r'<meta name="csrf-token" content="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)
