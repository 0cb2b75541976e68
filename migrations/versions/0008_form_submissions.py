"""form submissions: pack form data with its pinned form, and attachments stored outside the web root

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from grassroots.db.rls import disable_tenant_rls, enable_tenant_rls

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')
TABLES = ('form_submissions', 'attachments')


def upgrade():
    op.create_table('form_submissions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pack_version_id', sa.Integer(), nullable=False),
    sa.Column('form_id', sa.String(length=64), nullable=False),
    sa.Column('form_def', JSON, nullable=False),
    sa.Column('data', JSON, nullable=False),
    sa.Column('sealed', JSON, nullable=False),
    sa.Column('scope', JSON, nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('subject_type', sa.String(length=32), nullable=True),
    sa.Column('subject_id', sa.Integer(), nullable=True),
    sa.Column('submitted_by', sa.Integer(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("status IN ('draft', 'submitted')", name=op.f('ck_form_submissions_status')),
    sa.ForeignKeyConstraint(['submitted_by'], ['users.id'], name=op.f('fk_form_submissions_submitted_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['tenant_id', 'pack_version_id'], ['pack_versions.tenant_id', 'pack_versions.id'], name=op.f('fk_form_submissions_tenant_id_pack_versions'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_form_submissions_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_form_submissions')),
    sa.UniqueConstraint('tenant_id', 'id', name=op.f('uq_form_submissions_tenant_id_id'))
    )
    with op.batch_alter_table('form_submissions', schema=None) as batch_op:
        batch_op.create_index('ix_form_submissions_tenant_id_subject', ['tenant_id', 'subject_type', 'subject_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_form_submissions_pack_version_id'), ['pack_version_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_form_submissions_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('attachment_id', sa.String(length=64), nullable=False),
    sa.Column('original_name', sa.String(length=255), nullable=False),
    sa.Column('stored_name', sa.String(length=64), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_by', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', sa.DateTime(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'submission_id'], ['form_submissions.tenant_id', 'form_submissions.id'], name=op.f('fk_attachments_tenant_id_form_submissions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_attachments_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['uploaded_by'], ['users.id'], name=op.f('fk_attachments_uploaded_by_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachments')),
    sa.UniqueConstraint('tenant_id', 'id', name=op.f('uq_attachments_tenant_id_id')),
    sa.UniqueConstraint('tenant_id', 'stored_name', name=op.f('uq_attachments_tenant_id_stored_name')),
    sa.UniqueConstraint('tenant_id', 'submission_id', 'attachment_id', name=op.f('uq_attachments_tenant_id_submission_id_attachment_id'))
    )
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachments_submission_id'), ['submission_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachments_tenant_id'), ['tenant_id'], unique=False)

    for table in TABLES:
        enable_tenant_rls(op, table)


def downgrade():
    for table in reversed(TABLES):
        disable_tenant_rls(op, table)
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachments_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_attachments_submission_id'))
    op.drop_table('attachments')
    with op.batch_alter_table('form_submissions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_form_submissions_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_form_submissions_pack_version_id'))
        batch_op.drop_index('ix_form_submissions_tenant_id_subject')
    op.drop_table('form_submissions')
