"""placements.dispatch_state gains 'returned': a dispatch recognition returned for revision (Kunming 八)

The CHECK constraint of 0009 is replaced by one that admits 'returned' (on SQLite batch mode rebuilds the
table; on PostgreSQL it is dropped and added). Placements whose dispatch chain is returned right now are
moved from 'pending' to 'returned', so they read as returned and can be resubmitted (the resubmission's
conditional UPDATE expects 'returned'). The downgrade moves every 'returned' back to 'pending' (what the
code before this migration keeps while a dispatch is returned) before restoring the old constraint.

Both tables have forced row-level security (0009, 0007), which holds for their owner too, so on
PostgreSQL the two data UPDATEs run with FORCE lifted for this transaction only (the owner, who runs
migrations, then reads every tenant's rows; the app role never owns a table, so it is never exempt) and
FORCE is put back before the transaction ends.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-25

"""
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

OLD = "dispatch_state IN ('none', 'pending', 'recognised', 'refused')"
NEW = "dispatch_state IN ('none', 'pending', 'returned', 'recognised', 'refused')"
RETURNED_CHAINS = (
    "UPDATE placements SET dispatch_state = 'returned' WHERE dispatch_state = 'pending' AND EXISTS ("
    "SELECT 1 FROM chain_instances WHERE chain_instances.tenant_id = placements.tenant_id "
    "AND chain_instances.id = placements.dispatch_instance_id AND chain_instances.state = 'returned')")
BACK_TO_PENDING = "UPDATE placements SET dispatch_state = 'pending' WHERE dispatch_state = 'returned'"


def _every_tenant(statement):
    """Run a data UPDATE over every tenant's rows: on PostgreSQL with FORCE ROW LEVEL SECURITY lifted."""
    postgres = op.get_context().dialect.name == 'postgresql'
    tables = ('placements', 'chain_instances')
    if postgres:
        for table in tables:
            op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
    op.execute(statement)
    if postgres:
        for table in tables:
            op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")


def _constraint(condition):
    with op.batch_alter_table('placements', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_placements_dispatch_state'), type_='check')
        batch_op.create_check_constraint(op.f('ck_placements_dispatch_state'), condition)


def upgrade():
    _constraint(NEW)
    _every_tenant(RETURNED_CHAINS)


def downgrade():
    _every_tenant(BACK_TO_PENDING)
    _constraint(OLD)
