"""identity people: the register of professionals, resident ID numbers encrypted with a keyed hash

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from grassroots.db.rls import disable_tenant_rls, enable_tenant_rls

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade():
    op.create_table('people',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('gender', sa.String(length=8), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=False),
    sa.Column('id_cipher', sa.LargeBinary(), nullable=False),
    sa.Column('id_hash', sa.String(length=64), nullable=False),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('ethnic_minority', sa.Boolean(), nullable=False),
    sa.Column('education', sa.String(length=32), nullable=True),
    sa.Column('title_level', sa.String(length=32), nullable=True),
    sa.Column('title_series', sa.String(length=64), nullable=True),
    sa.Column('licenses', JSON, nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'unit_id'], ['units.tenant_id', 'units.id'], name=op.f('fk_people_tenant_id_units')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_people_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_people_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_people')),
    sa.UniqueConstraint('tenant_id', 'id', name=op.f('uq_people_tenant_id_id')),
    sa.UniqueConstraint('tenant_id', 'id_hash', name=op.f('uq_people_tenant_id_id_hash')),
    sa.UniqueConstraint('tenant_id', 'user_id', name=op.f('uq_people_tenant_id_user_id'))
    )
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_people_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_people_unit_id'), ['unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_people_user_id'), ['user_id'], unique=False)

    enable_tenant_rls(op, 'people')


def downgrade():
    disable_tenant_rls(op, 'people')
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_people_user_id'))
        batch_op.drop_index(batch_op.f('ix_people_unit_id'))
        batch_op.drop_index(batch_op.f('ix_people_tenant_id'))
    op.drop_table('people')
