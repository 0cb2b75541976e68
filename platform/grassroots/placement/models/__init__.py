"""The placement tables (migration 0009). Every row is tenant-scoped; references are composite
(tenant_id, x_id) foreign keys, so a row can only point at rows of its own tenant."""

from grassroots.placement.models.agreements import Agreement
from grassroots.placement.models.applications import Application
from grassroots.placement.models.assessments import Assessment
from grassroots.placement.models.decisions import DecisionRecord
from grassroots.placement.models.extensions import Extension
from grassroots.placement.models.placements import Placement
from grassroots.placement.models.postings import Posting

__all__ = ["Agreement", "Application", "Assessment", "DecisionRecord", "Extension", "Placement", "Posting"]
