"""workflow chains: chain instances (a pinned chain run for a subject) and chain tasks (one per step occurrence)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from grassroots.db.rls import disable_tenant_rls, enable_tenant_rls

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')
TABLES = ('chain_instances', 'chain_tasks')


def upgrade():
    op.create_table('chain_instances',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pack_version_id', sa.Integer(), nullable=False),
    sa.Column('chain_id', sa.String(length=64), nullable=False),
    sa.Column('definition', JSON, nullable=False),
    sa.Column('subject_type', sa.String(length=40), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('submitter_user_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('facts', JSON, nullable=False),
    sa.Column('context', JSON, nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("state IN ('in_progress', 'approved', 'rejected', 'returned', 'withdrawn')", name=op.f('ck_chain_instances_state')),
    sa.ForeignKeyConstraint(['submitter_user_id'], ['users.id'], name=op.f('fk_chain_instances_submitter_user_id_users')),
    sa.ForeignKeyConstraint(['tenant_id', 'pack_version_id'], ['pack_versions.tenant_id', 'pack_versions.id'], name=op.f('fk_chain_instances_tenant_id_pack_versions'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_chain_instances_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chain_instances')),
    sa.UniqueConstraint('tenant_id', 'id', name=op.f('uq_chain_instances_tenant_id_id'))
    )
    with op.batch_alter_table('chain_instances', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_chain_instances_pack_version_id'), ['pack_version_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_chain_instances_submitter_user_id'), ['submitter_user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_chain_instances_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index('ix_chain_instances_tenant_id_subject', ['tenant_id', 'subject_type', 'subject_id'], unique=False)

    op.create_table('chain_tasks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('step_index', sa.Integer(), nullable=False),
    sa.Column('step_id', sa.String(length=64), nullable=False),
    sa.Column('parent_step_id', sa.String(length=64), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('office', sa.String(length=64), nullable=False),
    sa.Column('scope_kind', sa.String(length=8), nullable=False),
    sa.Column('scope_code', sa.String(length=40), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('opened_at', sa.DateTime(), nullable=False),
    sa.Column('due_at', sa.DateTime(), nullable=True),
    sa.Column('acted_by', sa.Integer(), nullable=True),
    sa.Column('acted_at', sa.DateTime(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind IN ('approve', 'review', 'file')", name=op.f('ck_chain_tasks_kind')),
    sa.CheckConstraint("scope_kind IN ('tenant', 'area', 'unit')", name=op.f('ck_chain_tasks_scope_kind')),
    sa.CheckConstraint("state IN ('pending', 'approved', 'rejected', 'returned', 'filed', 'cancelled')", name=op.f('ck_chain_tasks_state')),
    sa.ForeignKeyConstraint(['acted_by'], ['users.id'], name=op.f('fk_chain_tasks_acted_by_users')),
    sa.ForeignKeyConstraint(['tenant_id', 'instance_id'], ['chain_instances.tenant_id', 'chain_instances.id'], name=op.f('fk_chain_tasks_tenant_id_chain_instances'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_chain_tasks_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chain_tasks')),
    sa.UniqueConstraint('tenant_id', 'id', name=op.f('uq_chain_tasks_tenant_id_id')),
    sa.UniqueConstraint('tenant_id', 'instance_id', 'round', 'step_id', name=op.f('uq_chain_tasks_tenant_id_instance_id_round_step_id'))
    )
    with op.batch_alter_table('chain_tasks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_chain_tasks_instance_id'), ['instance_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_chain_tasks_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index('ix_chain_tasks_tenant_id_state_office', ['tenant_id', 'state', 'office'], unique=False)

    for table in TABLES:
        enable_tenant_rls(op, table)


def downgrade():
    for table in reversed(TABLES):
        disable_tenant_rls(op, table)
    op.drop_table('chain_tasks')
    op.drop_table('chain_instances')
