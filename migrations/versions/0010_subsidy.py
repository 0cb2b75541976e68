"""subsidy: entitlements, year-end rosters and their lines, disbursement batches, payments, idempotency keys

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-23

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from grassroots.db.rls import disable_tenant_rls, enable_tenant_rls

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')
TABLES = ('rosters', 'entitlements', 'roster_lines', 'disbursement_batches', 'payments', 'idempotency_keys')


def _tenant(table, keyed=True):
    """tenant_id with its foreign key and (tenant_id, id), the primary key; roster_lines (keyed=False) get
    their tenant through their roster's composite key instead (a lean table written in bulk)."""
    return [
        sa.Column('tenant_id', sa.Integer(), nullable=False),
        *([sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=f'fk_{table}_tenant_id_tenants',
                                   ondelete='RESTRICT'),
           sa.UniqueConstraint('tenant_id', 'id', name=f'uq_{table}_tenant_id_id')] if keyed else []),
        sa.PrimaryKeyConstraint('id', name=f'pk_{table}'),
    ]


def _same(owner, column, table, ondelete=None):
    return sa.ForeignKeyConstraint(['tenant_id', column], [f'{table}.tenant_id', f'{table}.id'],
                                   name=f'fk_{owner}_{column}', ondelete=ondelete)


def _check(table, name, condition):
    return sa.CheckConstraint(condition, name=f'ck_{table}_{name}')


def _index(table, *columns, name=None):
    op.create_index(name or f'ix_{table}_{columns[-1]}', table, list(columns), unique=False)


def upgrade():
    op.create_table('rosters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pack_version_id', sa.Integer(), nullable=False),
    sa.Column('payer', sa.String(length=64), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('claim_chain', sa.String(length=64), nullable=False),
    sa.Column('roster_form', sa.String(length=64), nullable=True),
    sa.Column('claim_forms', JSON, nullable=False),
    sa.Column('scope', JSON, nullable=False),
    sa.Column('title', JSON, nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('line_count', sa.Integer(), nullable=False),
    sa.Column('total_fen', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('chain_instance_id', sa.Integer(), nullable=True),
    sa.Column('compiled_by', sa.Integer(), nullable=False),
    sa.Column('compiled_at', sa.DateTime(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    *_tenant('rosters'),
    _same('rosters', 'pack_version_id', 'pack_versions', 'RESTRICT'),
    _same('rosters', 'chain_instance_id', 'chain_instances'),
    sa.ForeignKeyConstraint(['compiled_by'], ['users.id'], name='fk_rosters_compiled_by_users'),
    _check('rosters', 'state', "state IN ('in_review', 'returned', 'approved', 'rejected', 'withdrawn')"),
    _check('rosters', 'total', 'total_fen >= 0'),
    )
    _index('rosters', 'tenant_id')
    _index('rosters', 'pack_version_id')
    _index('rosters', 'chain_instance_id')
    _index('rosters', 'compiled_by')
    _index('rosters', 'tenant_id', 'year', 'payer', name='ix_rosters_tenant_id_year_payer')

    op.create_table('entitlements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('placement_id', sa.Integer(), nullable=False),
    sa.Column('program_id', sa.String(length=64), nullable=False),
    sa.Column('pack_version_id', sa.Integer(), nullable=False),
    sa.Column('component', sa.String(length=64), nullable=False),
    sa.Column('payer', sa.String(length=64), nullable=False),
    sa.Column('first_year', sa.Integer(), nullable=False),
    sa.Column('last_year', sa.Integer(), nullable=False),
    sa.Column('years', JSON, nullable=False),
    sa.Column('due', sa.Date(), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('cite', JSON, nullable=False),
    sa.Column('claim_chain', sa.String(length=64), nullable=True),
    sa.Column('roster_form', sa.String(length=64), nullable=True),
    sa.Column('claim_forms', JSON, nullable=False),
    sa.Column('decision_record_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    *_tenant('entitlements'),
    sa.UniqueConstraint('tenant_id', 'placement_id', 'component', 'first_year',
                        name='uq_entitlements_tenant_id_placement_id_component_first_year'),
    _same('entitlements', 'placement_id', 'placements'),
    _same('entitlements', 'pack_version_id', 'pack_versions', 'RESTRICT'),
    _same('entitlements', 'decision_record_id', 'decision_records'),
    _check('entitlements', 'status', "status IN ('due', 'void')"),
    _check('entitlements', 'amount', 'amount_fen >= 0'),
    _check('entitlements', 'years', 'last_year >= first_year'),
    )
    _index('entitlements', 'tenant_id')
    _index('entitlements', 'placement_id')
    _index('entitlements', 'pack_version_id')
    _index('entitlements', 'decision_record_id')
    _index('entitlements', 'tenant_id', 'payer', 'due', name='ix_entitlements_tenant_id_payer_due')

    op.create_table('roster_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('roster_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('entitlement_id', sa.Integer(), nullable=False),
    sa.Column('placement_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=True),
    sa.Column('component', sa.String(length=64), nullable=False),
    sa.Column('person_name', sa.String(length=100), nullable=False),
    sa.Column('gender', sa.String(length=8), nullable=False),
    sa.Column('original_unit', sa.String(length=120), nullable=False),
    sa.Column('service_unit', sa.String(length=120), nullable=False),
    sa.Column('service_area', sa.String(length=100), nullable=False),
    sa.Column('service_county', sa.String(length=100), nullable=False),
    sa.Column('service_start', sa.Date(), nullable=False),
    sa.Column('service_end', sa.Date(), nullable=True),
    sa.Column('first_year', sa.Integer(), nullable=False),
    sa.Column('last_year', sa.Integer(), nullable=False),
    sa.Column('years', JSON, nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('live', sa.Boolean(), nullable=False),
    *_tenant('roster_lines', keyed=False),
    sa.UniqueConstraint('tenant_id', 'roster_id', 'seq', name='uq_roster_lines_tenant_id_roster_id_seq'),
    _same('roster_lines', 'roster_id', 'rosters', 'CASCADE'),
    _check('roster_lines', 'amount', 'amount_fen >= 0'),
    )
    # An entitlement is in at most one live roster: the claim a compile's INSERT ... ON CONFLICT relies on.
    op.create_index('ux_roster_lines_live_entitlement', 'roster_lines', ['tenant_id', 'entitlement_id'], unique=True,
                    sqlite_where=sa.text('live = 1'), postgresql_where=sa.text('live'))

    op.create_table('disbursement_batches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('roster_id', sa.Integer(), nullable=False),
    sa.Column('payer', sa.String(length=64), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('line_count', sa.Integer(), nullable=False),
    sa.Column('total_fen', sa.BigInteger(), nullable=False),
    sa.Column('paid_count', sa.Integer(), nullable=False),
    sa.Column('paid_fen', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('reference', sa.String(length=100), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('approved_by', sa.Integer(), nullable=True),
    sa.Column('approved_at', sa.DateTime(), nullable=True),
    sa.Column('paid_by', sa.Integer(), nullable=True),
    sa.Column('paid_at', sa.DateTime(), nullable=True),
    *_tenant('disbursement_batches'),
    _same('disbursement_batches', 'roster_id', 'rosters'),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name='fk_disbursement_batches_created_by_users'),
    sa.ForeignKeyConstraint(['approved_by'], ['users.id'], name='fk_disbursement_batches_approved_by_users'),
    sa.ForeignKeyConstraint(['paid_by'], ['users.id'], name='fk_disbursement_batches_paid_by_users'),
    _check('disbursement_batches', 'state', "state IN ('draft', 'approved', 'paid')"),
    _check('disbursement_batches', 'two_people', 'approved_by IS NULL OR approved_by <> created_by'),
    )
    _index('disbursement_batches', 'tenant_id')
    _index('disbursement_batches', 'roster_id')

    op.create_table('payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entitlement_id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('reference', sa.String(length=100), nullable=False),
    sa.Column('paid_by', sa.Integer(), nullable=True),
    sa.Column('paid_at', sa.DateTime(), nullable=False),
    *_tenant('payments'),
    sa.UniqueConstraint('tenant_id', 'entitlement_id', name='uq_payments_tenant_id_entitlement_id'),
    _same('payments', 'entitlement_id', 'entitlements'),
    _same('payments', 'batch_id', 'disbursement_batches'),
    sa.ForeignKeyConstraint(['paid_by'], ['users.id'], name='fk_payments_paid_by_users'),
    _check('payments', 'amount', 'amount_fen >= 0'),
    )
    _index('payments', 'tenant_id')
    _index('payments', 'batch_id')

    op.create_table('idempotency_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('request_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('status_code', sa.Integer(), nullable=True),
    sa.Column('response', JSON, nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    *_tenant('idempotency_keys'),
    sa.UniqueConstraint('tenant_id', 'key', name='uq_idempotency_keys_tenant_id_key'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name='fk_idempotency_keys_user_id_users', ondelete='SET NULL'),
    )
    _index('idempotency_keys', 'tenant_id')

    for table in TABLES:
        enable_tenant_rls(op, table)


def downgrade():
    for table in reversed(TABLES):
        disable_tenant_rls(op, table)
    for table in ('idempotency_keys', 'payments', 'disbursement_batches', 'roster_lines', 'entitlements', 'rosters'):
        op.drop_table(table)
