"""placement: postings, applications, agreements, placements, assessments, extensions, decision records

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from grassroots.db.rls import disable_tenant_rls, enable_tenant_rls

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')
TABLES = ('decision_records', 'postings', 'applications', 'agreements', 'placements', 'assessments', 'extensions')


def upgrade():
    op.create_table('decision_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject_type', sa.String(length=40), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=24), nullable=False),
    sa.Column('program_id', sa.String(length=64), nullable=False),
    sa.Column('pack_version_id', sa.Integer(), nullable=False),
    sa.Column('pack_hash', sa.String(length=64), nullable=False),
    sa.Column('ancestors', JSON, nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('facts', JSON, nullable=False),
    sa.Column('answer', JSON, nullable=False),
    sa.Column('verdict', sa.String(length=16), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("verdict IN ('eligible', 'ineligible', 'undecided')", name=op.f('ck_decision_records_verdict')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_decision_records_created_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['tenant_id', 'pack_version_id'], ['pack_versions.tenant_id', 'pack_versions.id'], name='fk_decision_records_pack_version_id', ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_decision_records_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decision_records')),
    sa.UniqueConstraint('tenant_id', 'id', name=op.f('uq_decision_records_tenant_id_id'))
    )
    with op.batch_alter_table('decision_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decision_records_pack_version_id'), ['pack_version_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_decision_records_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index('ix_decision_records_tenant_id_subject', ['tenant_id', 'subject_type', 'subject_id'], unique=False)

    op.create_table('postings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('program_id', sa.String(length=64), nullable=False),
    sa.Column('pack_version_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('county_area_id', sa.Integer(), nullable=True),
    sa.Column('posts', JSON, nullable=False),
    sa.Column('headcount', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('published_by', sa.Integer(), nullable=True),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("state IN ('draft', 'published', 'closed')", name=op.f('ck_postings_state')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_postings_created_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['published_by'], ['users.id'], name=op.f('fk_postings_published_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['tenant_id', 'county_area_id'], ['areas.tenant_id', 'areas.id'], name='fk_postings_county_area_id'),
    sa.ForeignKeyConstraint(['tenant_id', 'pack_version_id'], ['pack_versions.tenant_id', 'pack_versions.id'], name='fk_postings_pack_version_id', ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['tenant_id', 'submission_id'], ['form_submissions.tenant_id', 'form_submissions.id'], name='fk_postings_submission_id'),
    sa.ForeignKeyConstraint(['tenant_id', 'unit_id'], ['units.tenant_id', 'units.id'], name='fk_postings_unit_id'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_postings_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_postings')),
    sa.UniqueConstraint('tenant_id', 'id', name=op.f('uq_postings_tenant_id_id'))
    )
    with op.batch_alter_table('postings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_postings_county_area_id'), ['county_area_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_postings_pack_version_id'), ['pack_version_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_postings_submission_id'), ['submission_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_postings_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index('ix_postings_tenant_id_state_year', ['tenant_id', 'state', 'year'], unique=False)
        batch_op.create_index(batch_op.f('ix_postings_unit_id'), ['unit_id'], unique=False)

    op.create_table('applications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('program_id', sa.String(length=64), nullable=False),
    sa.Column('pack_version_id', sa.Integer(), nullable=False),
    sa.Column('ancestors', JSON, nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('applicant_user_id', sa.Integer(), nullable=True),
    sa.Column('submitted_by', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('service_unit_id', sa.Integer(), nullable=True),
    sa.Column('submission_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('chain_instance_id', sa.Integer(), nullable=True),
    sa.Column('decision_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("state IN ('draft', 'submitted', 'returned', 'approved', 'rejected', 'withdrawn', 'matched', 'placed')", name=op.f('ck_applications_state')),
    sa.ForeignKeyConstraint(['applicant_user_id'], ['users.id'], name=op.f('fk_applications_applicant_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['submitted_by'], ['users.id'], name=op.f('fk_applications_submitted_by_users')),
    sa.ForeignKeyConstraint(['tenant_id', 'chain_instance_id'], ['chain_instances.tenant_id', 'chain_instances.id'], name='fk_applications_chain_instance_id'),
    sa.ForeignKeyConstraint(['tenant_id', 'decision_id'], ['decision_records.tenant_id', 'decision_records.id'], name='fk_applications_decision_id'),
    sa.ForeignKeyConstraint(['tenant_id', 'pack_version_id'], ['pack_versions.tenant_id', 'pack_versions.id'], name='fk_applications_pack_version_id', ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['tenant_id', 'person_id'], ['people.tenant_id', 'people.id'], name='fk_applications_person_id'),
    sa.ForeignKeyConstraint(['tenant_id', 'service_unit_id'], ['units.tenant_id', 'units.id'], name='fk_applications_service_unit_id'),
    sa.ForeignKeyConstraint(['tenant_id', 'submission_id'], ['form_submissions.tenant_id', 'form_submissions.id'], name='fk_applications_submission_id'),
    sa.ForeignKeyConstraint(['tenant_id', 'unit_id'], ['units.tenant_id', 'units.id'], name='fk_applications_unit_id'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_applications_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_applications')),
    sa.UniqueConstraint('tenant_id', 'id', name=op.f('uq_applications_tenant_id_id'))
    )
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_applications_applicant_user_id'), ['applicant_user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_chain_instance_id'), ['chain_instance_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_decision_id'), ['decision_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_pack_version_id'), ['pack_version_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_service_unit_id'), ['service_unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_submission_id'), ['submission_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_submitted_by'), ['submitted_by'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index('ix_applications_tenant_id_state', ['tenant_id', 'state'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_unit_id'), ['unit_id'], unique=False)

    op.create_table('agreements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('posting_id', sa.Integer(), nullable=False),
    sa.Column('post_name', sa.String(length=200), nullable=False),
    sa.Column('service_unit_id', sa.Integer(), nullable=False),
    sa.Column('service_area_id', sa.Integer(), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('duties', sa.Text(), nullable=False),
    sa.Column('full_time', sa.Boolean(), nullable=False),
    sa.Column('professional_post', sa.Boolean(), nullable=False),
    sa.Column('form_data', JSON, nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('chain_instance_id', sa.Integer(), nullable=True),
    sa.Column('matched_by', sa.Integer(), nullable=True),
    sa.Column('matched_at', sa.DateTime(), nullable=False),
    sa.Column('signed_by', sa.Integer(), nullable=True),
    sa.Column('signed_at', sa.DateTime(), nullable=True),
    sa.Column('completed_at', sa.DateTime(), nullable=True),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("state IN ('drafted', 'signing', 'returned', 'signed', 'rejected')", name=op.f('ck_agreements_state')),
    sa.ForeignKeyConstraint(['matched_by'], ['users.id'], name=op.f('fk_agreements_matched_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['signed_by'], ['users.id'], name=op.f('fk_agreements_signed_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['tenant_id', 'application_id'], ['applications.tenant_id', 'applications.id'], name='fk_agreements_application_id'),
    sa.ForeignKeyConstraint(['tenant_id', 'chain_instance_id'], ['chain_instances.tenant_id', 'chain_instances.id'], name='fk_agreements_chain_instance_id'),
    sa.ForeignKeyConstraint(['tenant_id', 'posting_id'], ['postings.tenant_id', 'postings.id'], name='fk_agreements_posting_id'),
    sa.ForeignKeyConstraint(['tenant_id', 'service_area_id'], ['areas.tenant_id', 'areas.id'], name='fk_agreements_service_area_id'),
    sa.ForeignKeyConstraint(['tenant_id', 'service_unit_id'], ['units.tenant_id', 'units.id'], name='fk_agreements_service_unit_id'),
    sa.ForeignKeyConstraint(['tenant_id', 'submission_id'], ['form_submissions.tenant_id', 'form_submissions.id'], name='fk_agreements_submission_id'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_agreements_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreements')),
    sa.UniqueConstraint('tenant_id', 'application_id', name=op.f('uq_agreements_tenant_id_application_id')),
    sa.UniqueConstraint('tenant_id', 'id', name=op.f('uq_agreements_tenant_id_id'))
    )
    with op.batch_alter_table('agreements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agreements_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agreements_chain_instance_id'), ['chain_instance_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agreements_posting_id'), ['posting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agreements_service_area_id'), ['service_area_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agreements_service_unit_id'), ['service_unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agreements_submission_id'), ['submission_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agreements_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('placements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('program_id', sa.String(length=64), nullable=False),
    sa.Column('pack_version_id', sa.Integer(), nullable=False),
    sa.Column('ancestors', JSON, nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('original_unit_id', sa.Integer(), nullable=False),
    sa.Column('service_unit_id', sa.Integer(), nullable=False),
    sa.Column('service_area_id', sa.Integer(), nullable=True),
    sa.Column('area_tags', JSON, nullable=False),
    sa.Column('unit_level', sa.String(length=16), nullable=False),
    sa.Column('unit_type', sa.String(length=32), nullable=False),
    sa.Column('professional_post', sa.Boolean(), nullable=False),
    sa.Column('full_time', sa.Boolean(), nullable=False),
    sa.Column('continuous', sa.Boolean(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('planned_end_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('end_reason', sa.Text(), nullable=True),
    sa.Column('recognised_by', sa.String(length=64), nullable=True),
    sa.Column('dispatch_state', sa.String(length=16), nullable=False),
    sa.Column('dispatch_instance_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('ended_by', sa.Integer(), nullable=True),
    sa.Column('ended_at', sa.DateTime(), nullable=True),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("dispatch_state IN ('none', 'pending', 'recognised', 'refused')", name=op.f('ck_placements_dispatch_state')),
    sa.CheckConstraint("state IN ('serving', 'ended')", name=op.f('ck_placements_state')),
    sa.ForeignKeyConstraint(['ended_by'], ['users.id'], name=op.f('fk_placements_ended_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['tenant_id', 'agreement_id'], ['agreements.tenant_id', 'agreements.id'], name='fk_placements_agreement_id'),
    sa.ForeignKeyConstraint(['tenant_id', 'application_id'], ['applications.tenant_id', 'applications.id'], name='fk_placements_application_id'),
    sa.ForeignKeyConstraint(['tenant_id', 'dispatch_instance_id'], ['chain_instances.tenant_id', 'chain_instances.id'], name='fk_placements_dispatch_instance_id'),
    sa.ForeignKeyConstraint(['tenant_id', 'original_unit_id'], ['units.tenant_id', 'units.id'], name='fk_placements_original_unit_id'),
    sa.ForeignKeyConstraint(['tenant_id', 'pack_version_id'], ['pack_versions.tenant_id', 'pack_versions.id'], name='fk_placements_pack_version_id', ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['tenant_id', 'person_id'], ['people.tenant_id', 'people.id'], name='fk_placements_person_id'),
    sa.ForeignKeyConstraint(['tenant_id', 'service_area_id'], ['areas.tenant_id', 'areas.id'], name='fk_placements_service_area_id'),
    sa.ForeignKeyConstraint(['tenant_id', 'service_unit_id'], ['units.tenant_id', 'units.id'], name='fk_placements_service_unit_id'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_placements_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_placements')),
    sa.UniqueConstraint('tenant_id', 'agreement_id', name=op.f('uq_placements_tenant_id_agreement_id')),
    sa.UniqueConstraint('tenant_id', 'application_id', name=op.f('uq_placements_tenant_id_application_id')),
    sa.UniqueConstraint('tenant_id', 'id', name=op.f('uq_placements_tenant_id_id'))
    )
    with op.batch_alter_table('placements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_placements_agreement_id'), ['agreement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_placements_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_placements_dispatch_instance_id'), ['dispatch_instance_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_placements_original_unit_id'), ['original_unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_placements_pack_version_id'), ['pack_version_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_placements_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_placements_service_area_id'), ['service_area_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_placements_service_unit_id'), ['service_unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_placements_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index('ix_placements_tenant_id_state', ['tenant_id', 'state'], unique=False)

    op.create_table('assessments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('placement_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('year_no', sa.Integer(), nullable=False),
    sa.Column('grade', sa.String(length=32), nullable=False),
    sa.Column('assessed_on', sa.Date(), nullable=False),
    sa.Column('by_office', sa.String(length=64), nullable=False),
    sa.Column('assessed_by', sa.Integer(), nullable=True),
    sa.Column('submission_id', sa.Integer(), nullable=True),
    sa.Column('copy_unit_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind IN ('annual', 'term_end')", name=op.f('ck_assessments_kind')),
    sa.ForeignKeyConstraint(['assessed_by'], ['users.id'], name=op.f('fk_assessments_assessed_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['tenant_id', 'copy_unit_id'], ['units.tenant_id', 'units.id'], name='fk_assessments_copy_unit_id'),
    sa.ForeignKeyConstraint(['tenant_id', 'placement_id'], ['placements.tenant_id', 'placements.id'], name='fk_assessments_placement_id'),
    sa.ForeignKeyConstraint(['tenant_id', 'submission_id'], ['form_submissions.tenant_id', 'form_submissions.id'], name='fk_assessments_submission_id'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_assessments_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessments')),
    sa.UniqueConstraint('tenant_id', 'id', name=op.f('uq_assessments_tenant_id_id')),
    sa.UniqueConstraint('tenant_id', 'placement_id', 'kind', 'year_no', name=op.f('uq_assessments_tenant_id_placement_id_kind_year_no'))
    )
    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessments_copy_unit_id'), ['copy_unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assessments_placement_id'), ['placement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assessments_submission_id'), ['submission_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assessments_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('extensions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('placement_id', sa.Integer(), nullable=False),
    sa.Column('extension_years', sa.Integer(), nullable=False),
    sa.Column('previous_end_date', sa.Date(), nullable=False),
    sa.Column('new_end_date', sa.Date(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=True),
    sa.Column('chain_instance_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('requested_by', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("state IN ('submitted', 'returned', 'approved', 'rejected', 'withdrawn')", name=op.f('ck_extensions_state')),
    sa.ForeignKeyConstraint(['requested_by'], ['users.id'], name=op.f('fk_extensions_requested_by_users')),
    sa.ForeignKeyConstraint(['tenant_id', 'chain_instance_id'], ['chain_instances.tenant_id', 'chain_instances.id'], name='fk_extensions_chain_instance_id'),
    sa.ForeignKeyConstraint(['tenant_id', 'placement_id'], ['placements.tenant_id', 'placements.id'], name='fk_extensions_placement_id'),
    sa.ForeignKeyConstraint(['tenant_id', 'submission_id'], ['form_submissions.tenant_id', 'form_submissions.id'], name='fk_extensions_submission_id'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_extensions_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_extensions')),
    sa.UniqueConstraint('tenant_id', 'id', name=op.f('uq_extensions_tenant_id_id'))
    )
    with op.batch_alter_table('extensions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_extensions_chain_instance_id'), ['chain_instance_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_extensions_placement_id'), ['placement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_extensions_submission_id'), ['submission_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_extensions_tenant_id'), ['tenant_id'], unique=False)

    for table in TABLES:
        enable_tenant_rls(op, table)


def downgrade():
    for table in reversed(TABLES):
        disable_tenant_rls(op, table)
    with op.batch_alter_table('extensions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_extensions_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_extensions_submission_id'))
        batch_op.drop_index(batch_op.f('ix_extensions_placement_id'))
        batch_op.drop_index(batch_op.f('ix_extensions_chain_instance_id'))

    op.drop_table('extensions')
    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessments_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_assessments_submission_id'))
        batch_op.drop_index(batch_op.f('ix_assessments_placement_id'))
        batch_op.drop_index(batch_op.f('ix_assessments_copy_unit_id'))

    op.drop_table('assessments')
    with op.batch_alter_table('placements', schema=None) as batch_op:
        batch_op.drop_index('ix_placements_tenant_id_state')
        batch_op.drop_index(batch_op.f('ix_placements_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_placements_service_unit_id'))
        batch_op.drop_index(batch_op.f('ix_placements_service_area_id'))
        batch_op.drop_index(batch_op.f('ix_placements_person_id'))
        batch_op.drop_index(batch_op.f('ix_placements_pack_version_id'))
        batch_op.drop_index(batch_op.f('ix_placements_original_unit_id'))
        batch_op.drop_index(batch_op.f('ix_placements_dispatch_instance_id'))
        batch_op.drop_index(batch_op.f('ix_placements_application_id'))
        batch_op.drop_index(batch_op.f('ix_placements_agreement_id'))

    op.drop_table('placements')
    with op.batch_alter_table('agreements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agreements_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_agreements_submission_id'))
        batch_op.drop_index(batch_op.f('ix_agreements_service_unit_id'))
        batch_op.drop_index(batch_op.f('ix_agreements_service_area_id'))
        batch_op.drop_index(batch_op.f('ix_agreements_posting_id'))
        batch_op.drop_index(batch_op.f('ix_agreements_chain_instance_id'))
        batch_op.drop_index(batch_op.f('ix_agreements_application_id'))

    op.drop_table('agreements')
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_applications_unit_id'))
        batch_op.drop_index('ix_applications_tenant_id_state')
        batch_op.drop_index(batch_op.f('ix_applications_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_applications_submitted_by'))
        batch_op.drop_index(batch_op.f('ix_applications_submission_id'))
        batch_op.drop_index(batch_op.f('ix_applications_service_unit_id'))
        batch_op.drop_index(batch_op.f('ix_applications_person_id'))
        batch_op.drop_index(batch_op.f('ix_applications_pack_version_id'))
        batch_op.drop_index(batch_op.f('ix_applications_decision_id'))
        batch_op.drop_index(batch_op.f('ix_applications_chain_instance_id'))
        batch_op.drop_index(batch_op.f('ix_applications_applicant_user_id'))

    op.drop_table('applications')
    with op.batch_alter_table('postings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_postings_unit_id'))
        batch_op.drop_index('ix_postings_tenant_id_state_year')
        batch_op.drop_index(batch_op.f('ix_postings_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_postings_submission_id'))
        batch_op.drop_index(batch_op.f('ix_postings_pack_version_id'))
        batch_op.drop_index(batch_op.f('ix_postings_county_area_id'))

    op.drop_table('postings')
    with op.batch_alter_table('decision_records', schema=None) as batch_op:
        batch_op.drop_index('ix_decision_records_tenant_id_subject')
        batch_op.drop_index(batch_op.f('ix_decision_records_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_decision_records_pack_version_id'))

    op.drop_table('decision_records')
