"""/api/v1/t/<tenant>/: postings, applications, matches, agreements, placements, assessments, extensions,
decisions and a person's timeline. Each handler loads (404 for another tenant's id, exactly like a missing
one), checks access (the decorator's permission, then the object: 403), then acts; services commit."""

from grassroots.placement.api import applications, placements, postings, records  # noqa: F401  (routes)
from grassroots.placement.api.base import blp

__all__ = ["blp"]
