"""postings.closed_at, closed_by, close_reason: who closed a posting, when and why

A posting is closed by a managing officer (published → closed, with a reason), or by its demand report's
rejection (the rejecting officer and their reason). New nullable columns of an existing table: `postings`
already has forced row-level security and its tenant policy (0009), which cover every column, so no
policy is added and no data is moved (postings closed before this migration keep NULLs: not recorded).
`closed_by` refers to users like `published_by` (SET NULL when the user is deleted).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07

"""
from alembic import op
import sqlalchemy as sa

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('postings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('closed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('closed_by', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('close_reason', sa.String(length=500), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_postings_closed_by_users'), 'users', ['closed_by'], ['id'],
                                    ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('postings', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_postings_closed_by_users'), type_='foreignkey')
        batch_op.drop_column('close_reason')
        batch_op.drop_column('closed_by')
        batch_op.drop_column('closed_at')
