"""postings.chain_instance_id: the demand report's chain (a program's `chains.demand`, Lijiang 第三条)

A new column of an existing table: `postings` already has forced row-level security and its tenant policy
(0009), which cover every column, so no policy is added. The key to chain_instances is composite
(tenant_id, chain_instance_id), like the other placement tables' chain keys.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-24

"""
from alembic import op
import sqlalchemy as sa

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('postings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('chain_instance_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_postings_chain_instance_id', 'chain_instances',
                                    ['tenant_id', 'chain_instance_id'], ['tenant_id', 'id'])
        batch_op.create_index(batch_op.f('ix_postings_chain_instance_id'), ['chain_instance_id'], unique=False)


def downgrade():
    with op.batch_alter_table('postings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_postings_chain_instance_id'))
        batch_op.drop_constraint('fk_postings_chain_instance_id', type_='foreignkey')
        batch_op.drop_column('chain_instance_id')
