"""policy pack versions: drafts, immutable versions, cases pinned to a version

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from grassroots.db.rls import disable_tenant_rls, enable_tenant_rls

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')
TABLES = ('pack_drafts', 'pack_versions', 'pack_cases')

# Published versions are immutable: refused by the database itself, on both backends.
PG_IMMUTABLE = (
    "CREATE OR REPLACE FUNCTION pack_versions_immutable() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'pack_versions rows are immutable'; END; $$ LANGUAGE plpgsql",
    "CREATE TRIGGER pack_versions_immutable BEFORE UPDATE OR DELETE ON pack_versions "
    "FOR EACH ROW EXECUTE FUNCTION pack_versions_immutable()",
)
SQLITE_IMMUTABLE = (
    "CREATE TRIGGER pack_versions_no_update BEFORE UPDATE ON pack_versions "
    "BEGIN SELECT RAISE(ABORT, 'pack_versions rows are immutable'); END",
    "CREATE TRIGGER pack_versions_no_delete BEFORE DELETE ON pack_versions "
    "BEGIN SELECT RAISE(ABORT, 'pack_versions rows are immutable'); END",
)


def upgrade():
    op.create_table('pack_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('effective_date', sa.Date(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('author_label', sa.String(length=100), nullable=False),
    sa.Column('publisher_id', sa.Integer(), nullable=True),
    sa.Column('publisher_label', sa.String(length=100), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=False),
    sa.Column('extends_chain', JSON, nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_pack_versions_author_id_users')),
    sa.ForeignKeyConstraint(['publisher_id'], ['users.id'], name=op.f('fk_pack_versions_publisher_id_users')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_pack_versions_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pack_versions')),
    sa.UniqueConstraint('tenant_id', 'id', name=op.f('uq_pack_versions_tenant_id_id')),
    sa.UniqueConstraint('tenant_id', 'number', name=op.f('uq_pack_versions_tenant_id_number'))
    )
    with op.batch_alter_table('pack_versions', schema=None) as batch_op:
        batch_op.create_index('ix_pack_versions_tenant_id_content_hash', ['tenant_id', 'content_hash'], unique=False)
        batch_op.create_index(batch_op.f('ix_pack_versions_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('pack_drafts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('base_version', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('author_label', sa.String(length=100), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('submitted_by', sa.Integer(), nullable=True),
    sa.Column('submitted_label', sa.String(length=100), nullable=True),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('published_by', sa.Integer(), nullable=True),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("status IN ('draft', 'submitted', 'published')", name=op.f('ck_pack_drafts_status')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_pack_drafts_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['published_by'], ['users.id'], name=op.f('fk_pack_drafts_published_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['submitted_by'], ['users.id'], name=op.f('fk_pack_drafts_submitted_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_pack_drafts_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pack_drafts')),
    sa.UniqueConstraint('tenant_id', name=op.f('uq_pack_drafts_tenant_id')),
    sa.UniqueConstraint('tenant_id', 'id', name=op.f('uq_pack_drafts_tenant_id_id'))
    )
    with op.batch_alter_table('pack_drafts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pack_drafts_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('pack_cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('program_id', sa.String(length=64), nullable=False),
    sa.Column('pack_version_id', sa.Integer(), nullable=False),
    sa.Column('ancestors', JSON, nullable=False),
    sa.Column('facts', JSON, nullable=False),
    sa.Column('opened_by', sa.Integer(), nullable=True),
    sa.Column('opened_label', sa.String(length=100), nullable=False),
    sa.Column('opened_at', sa.DateTime(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['opened_by'], ['users.id'], name=op.f('fk_pack_cases_opened_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['tenant_id', 'pack_version_id'], ['pack_versions.tenant_id', 'pack_versions.id'], name=op.f('fk_pack_cases_tenant_id_pack_versions'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_pack_cases_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pack_cases')),
    sa.UniqueConstraint('tenant_id', 'id', name=op.f('uq_pack_cases_tenant_id_id'))
    )
    with op.batch_alter_table('pack_cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pack_cases_pack_version_id'), ['pack_version_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pack_cases_tenant_id'), ['tenant_id'], unique=False)

    for table in TABLES:
        enable_tenant_rls(op, table)
    postgres = op.get_context().dialect.name == 'postgresql'
    for statement in PG_IMMUTABLE if postgres else SQLITE_IMMUTABLE:
        op.execute(statement)


def downgrade():
    if op.get_context().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER IF EXISTS pack_versions_immutable ON pack_versions")
        op.execute("DROP FUNCTION IF EXISTS pack_versions_immutable()")
    else:
        op.execute("DROP TRIGGER IF EXISTS pack_versions_no_update")
        op.execute("DROP TRIGGER IF EXISTS pack_versions_no_delete")
    for table in reversed(TABLES):
        disable_tenant_rls(op, table)
    op.drop_table('pack_cases')
    op.drop_table('pack_drafts')
    op.drop_table('pack_versions')
