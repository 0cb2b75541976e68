"""row level security: ENABLE + FORCE + tenant_isolation policy on areas, units, audit_entries

On PostgreSQL only (a no-op on SQLite). Later migrations call enable_tenant_rls for the tenant tables
they create; memberships is exempt (see grassroots/db/rls.py). audit_entries' policy also admits the
platform chain (tenant_id NULL) when no tenant is set.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23

"""
from alembic import op

from grassroots.db.rls import disable_tenant_rls, enable_tenant_rls

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

TABLES = ('areas', 'units')


def upgrade():
    for table in TABLES:
        enable_tenant_rls(op, table)
    enable_tenant_rls(op, 'audit_entries', platform_rows=True)


def downgrade():
    for table in TABLES + ('audit_entries',):
        disable_tenant_rls(op, table)
