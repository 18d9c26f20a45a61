"""initial schema: units, accounts, tokens, audit, fairs, partners, booths, attendees, registrations

One revision for everything before the first release. Constraint names come from the naming
convention in fairapp/db.py; downgrade() drops every table in reverse dependency order.

Revision ID: a3c5ef536921
Revises:
Create Date: 2026-11-25 12:07:57.602348

"""
from alembic import op
import sqlalchemy as sa
import fairapp.modelbase


# revision identifiers, used by Alembic.
revision = 'a3c5ef536921'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('legacy_wards',
    sa.Column('code', sa.String(length=5), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('district_name', sa.String(length=100), nullable=False),
    sa.Column('province_name', sa.String(length=100), nullable=False),
    sa.Column('search_name', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_legacy_wards'))
    )
    with op.batch_alter_table('legacy_wards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_legacy_wards_search_name'), ['search_name'], unique=False)

    op.create_table('provinces',
    sa.Column('code', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('short_name', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('search_name', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_provinces'))
    )
    op.create_table('wards',
    sa.Column('code', sa.String(length=5), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('short_name', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('province_code', sa.Integer(), nullable=False),
    sa.Column('search_name', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['province_code'], ['provinces.code'], name=op.f('fk_wards_province_code_provinces')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_wards'))
    )
    with op.batch_alter_table('wards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_wards_province_code'), ['province_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_wards_search_name'), ['search_name'], unique=False)

    op.create_table('attendees',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('citizen_id', sa.String(length=12), nullable=True),
    sa.Column('birth_year', sa.Integer(), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('gender', sa.Enum('male', 'female', name='gender', native_enum=False, length=10), nullable=False),
    sa.Column('ward_code', sa.String(length=5), nullable=False),
    sa.Column('education_level', sa.String(length=50), nullable=True),
    sa.Column('priority_group', sa.Enum('none', 'poor', 'near_poor', 'escaped_poverty', name='prioritygroup', native_enum=False, length=20), nullable=False),
    sa.Column('household_code', sa.String(length=50), nullable=True),
    sa.Column('created_at', fairapp.modelbase.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', fairapp.modelbase.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('citizen_id IS NULL OR length(citizen_id) = 12', name=op.f('ck_attendees_citizen_id_length')),
    sa.ForeignKeyConstraint(['ward_code'], ['wards.code'], name=op.f('fk_attendees_ward_code_wards')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attendees')),
    sa.UniqueConstraint('citizen_id', name=op.f('uq_attendees_citizen_id'))
    )
    with op.batch_alter_table('attendees', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attendees_phone'), ['phone'], unique=False)
        batch_op.create_index(batch_op.f('ix_attendees_priority_group'), ['priority_group'], unique=False)
        batch_op.create_index(batch_op.f('ix_attendees_ward_code'), ['ward_code'], unique=False)

    op.create_table('employers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('tax_code', sa.String(length=14), nullable=False),
    sa.Column('industry', sa.String(length=100), nullable=True),
    sa.Column('address', sa.String(length=300), nullable=True),
    sa.Column('ward_code', sa.String(length=5), nullable=True),
    sa.Column('contact_name', sa.String(length=200), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('status', sa.Enum('pending', 'approved', 'rejected', name='partnerstatus', native_enum=False, length=20), nullable=False),
    sa.Column('reject_reason', sa.Text(), nullable=True),
    sa.Column('approved_at', fairapp.modelbase.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', fairapp.modelbase.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['ward_code'], ['wards.code'], name=op.f('fk_employers_ward_code_wards')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_employers')),
    sa.UniqueConstraint('tax_code', name=op.f('uq_employers_tax_code'))
    )
    with op.batch_alter_table('employers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_employers_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_employers_ward_code'), ['ward_code'], unique=False)

    op.create_table('legacy_ward_successors',
    sa.Column('legacy_code', sa.String(length=5), nullable=False),
    sa.Column('ward_code', sa.String(length=5), nullable=False),
    sa.ForeignKeyConstraint(['legacy_code'], ['legacy_wards.code'], name=op.f('fk_legacy_ward_successors_legacy_code_legacy_wards')),
    sa.ForeignKeyConstraint(['ward_code'], ['wards.code'], name=op.f('fk_legacy_ward_successors_ward_code_wards')),
    sa.PrimaryKeyConstraint('legacy_code', 'ward_code', name=op.f('pk_legacy_ward_successors'))
    )
    op.create_table('schools',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=True),
    sa.Column('ward_code', sa.String(length=5), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('status', sa.Enum('pending', 'approved', 'rejected', name='partnerstatus', native_enum=False, length=20), nullable=False),
    sa.Column('reject_reason', sa.Text(), nullable=True),
    sa.Column('approved_at', fairapp.modelbase.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', fairapp.modelbase.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['ward_code'], ['wards.code'], name=op.f('fk_schools_ward_code_wards')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_schools'))
    )
    with op.batch_alter_table('schools', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_schools_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_schools_ward_code'), ['ward_code'], unique=False)

    op.create_table('training_programmes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('level', sa.Enum('so_cap', 'trung_cap', 'cao_dang', name='programmelevel', native_enum=False, length=20), nullable=False),
    sa.Column('duration_months', sa.Integer(), nullable=True),
    sa.Column('seats', sa.Integer(), nullable=True),
    sa.Column('tuition', sa.BigInteger(), nullable=True),
    sa.Column('priority_support', sa.Text(), nullable=True),
    sa.Column('created_at', fairapp.modelbase.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('duration_months IS NULL OR duration_months > 0', name=op.f('ck_training_programmes_duration_positive')),
    sa.CheckConstraint('seats IS NULL OR seats > 0', name=op.f('ck_training_programmes_seats_positive')),
    sa.CheckConstraint('tuition IS NULL OR tuition >= 0', name=op.f('ck_training_programmes_tuition_not_negative')),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_training_programmes_school_id_schools')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_programmes'))
    )
    with op.batch_alter_table('training_programmes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_programmes_school_id'), ['school_id'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.Enum('admin', 'organiser', 'gate', 'employer', 'school', name='role', native_enum=False, length=20), nullable=False),
    sa.Column('employer_id', sa.Integer(), nullable=True),
    sa.Column('school_id', sa.Integer(), nullable=True),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('session_version', sa.Integer(), nullable=False),
    sa.Column('created_at', fairapp.modelbase.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_login_at', fairapp.modelbase.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['employer_id'], ['employers.id'], name=op.f('fk_users_employer_id_employers')),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_users_school_id_schools')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email')),
    sa.UniqueConstraint('phone', name=op.f('uq_users_phone'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_users_employer_id'), ['employer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_users_school_id'), ['school_id'], unique=False)

    op.create_table('vacancies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employer_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('occupation', sa.String(length=200), nullable=True),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('work_place', sa.String(length=300), nullable=True),
    sa.Column('requirements', sa.Text(), nullable=True),
    sa.Column('salary_min', sa.BigInteger(), nullable=True),
    sa.Column('salary_max', sa.BigInteger(), nullable=True),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.Column('status', sa.Enum('open', 'filled', 'closed', name='vacancystatus', native_enum=False, length=20), nullable=False),
    sa.Column('created_at', fairapp.modelbase.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_vacancies_quantity_positive')),
    sa.CheckConstraint('salary_min <= salary_max', name=op.f('ck_vacancies_salary_range')),
    sa.ForeignKeyConstraint(['employer_id'], ['employers.id'], name=op.f('fk_vacancies_employer_id_employers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vacancies'))
    )
    with op.batch_alter_table('vacancies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vacancies_employer_id'), ['employer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_vacancies_status'), ['status'], unique=False)

    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=12), nullable=False),
    sa.Column('created_at', fairapp.modelbase.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', fairapp.modelbase.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', fairapp.modelbase.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_api_tokens_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash'))
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_tokens_user_id'), ['user_id'], unique=False)

    op.create_table('audit_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', fairapp.modelbase.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_label', sa.String(length=254), nullable=False),
    sa.Column('ip', sa.String(length=45), nullable=True),
    sa.Column('user_agent', sa.String(length=300), nullable=True),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('object_type', sa.String(length=40), nullable=True),
    sa.Column('object_id', sa.String(length=40), nullable=True),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_audit_entries_actor_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entries'))
    )
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_entries_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entries_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entries_at'), ['at'], unique=False)

    op.create_table('fairs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('ward_code', sa.String(length=5), nullable=False),
    sa.Column('venue_name', sa.String(length=200), nullable=False),
    sa.Column('venue_address', sa.String(length=300), nullable=True),
    sa.Column('starts_at', fairapp.modelbase.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', fairapp.modelbase.UTCDateTime(timezone=True), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('contact_name', sa.String(length=200), nullable=True),
    sa.Column('contact_phone', sa.String(length=20), nullable=True),
    sa.Column('status', sa.Enum('draft', 'published', 'open', 'closed', 'cancelled', name='fairstatus', native_enum=False, length=20), nullable=False),
    sa.Column('cancel_reason', sa.Text(), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', fairapp.modelbase.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', fairapp.modelbase.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('capacity IS NULL OR capacity > 0', name=op.f('ck_fairs_capacity_positive')),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_fairs_ends_after_start')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_fairs_created_by_users')),
    sa.ForeignKeyConstraint(['ward_code'], ['wards.code'], name=op.f('fk_fairs_ward_code_wards')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fairs'))
    )
    with op.batch_alter_table('fairs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fairs_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_fairs_ward_code'), ['ward_code'], unique=False)

    op.create_table('user_wards',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('ward_code', sa.String(length=5), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_wards_user_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ward_code'], ['wards.code'], name=op.f('fk_user_wards_ward_code_wards')),
    sa.PrimaryKeyConstraint('user_id', 'ward_code', name=op.f('pk_user_wards'))
    )
    op.create_table('booths',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fair_id', sa.Integer(), nullable=False),
    sa.Column('employer_id', sa.Integer(), nullable=True),
    sa.Column('school_id', sa.Integer(), nullable=True),
    sa.Column('label', sa.String(length=50), nullable=True),
    sa.Column('status', sa.Enum('applied', 'confirmed', 'cancelled', name='boothstatus', native_enum=False, length=20), nullable=False),
    sa.Column('created_at', fairapp.modelbase.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(employer_id IS NULL) <> (school_id IS NULL)', name=op.f('ck_booths_one_holder')),
    sa.ForeignKeyConstraint(['employer_id'], ['employers.id'], name=op.f('fk_booths_employer_id_employers')),
    sa.ForeignKeyConstraint(['fair_id'], ['fairs.id'], name=op.f('fk_booths_fair_id_fairs')),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_booths_school_id_schools')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_booths')),
    sa.UniqueConstraint('fair_id', 'employer_id', name=op.f('uq_booths_fair_id_employer_id')),
    sa.UniqueConstraint('fair_id', 'school_id', name=op.f('uq_booths_fair_id_school_id'))
    )
    with op.batch_alter_table('booths', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_booths_employer_id'), ['employer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_booths_school_id'), ['school_id'], unique=False)

    op.create_table('registrations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fair_id', sa.Integer(), nullable=False),
    sa.Column('attendee_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.Enum('online', 'walk_in', 'staff', name='channel', native_enum=False, length=20), nullable=False),
    sa.Column('consent_personal_data_version', sa.String(length=20), nullable=False),
    sa.Column('consent_personal_data_at', fairapp.modelbase.UTCDateTime(timezone=True), nullable=False),
    sa.Column('consent_share_version', sa.String(length=20), nullable=True),
    sa.Column('consent_share_at', fairapp.modelbase.UTCDateTime(timezone=True), nullable=True),
    sa.Column('ticket_secret', sa.String(length=64), nullable=False),
    sa.Column('desired_jobs', sa.Text(), nullable=True),
    sa.Column('created_at', fairapp.modelbase.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['attendee_id'], ['attendees.id'], name=op.f('fk_registrations_attendee_id_attendees')),
    sa.ForeignKeyConstraint(['fair_id'], ['fairs.id'], name=op.f('fk_registrations_fair_id_fairs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registrations')),
    sa.UniqueConstraint('fair_id', 'attendee_id', name=op.f('uq_registrations_fair_id_attendee_id')),
    sa.UniqueConstraint('ticket_secret', name=op.f('uq_registrations_ticket_secret'))
    )
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_registrations_attendee_id'), ['attendee_id'], unique=False)

    op.create_table('vacancy_offers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fair_id', sa.Integer(), nullable=False),
    sa.Column('vacancy_id', sa.Integer(), nullable=False),
    sa.Column('created_at', fairapp.modelbase.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['fair_id'], ['fairs.id'], name=op.f('fk_vacancy_offers_fair_id_fairs')),
    sa.ForeignKeyConstraint(['vacancy_id'], ['vacancies.id'], name=op.f('fk_vacancy_offers_vacancy_id_vacancies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vacancy_offers')),
    sa.UniqueConstraint('fair_id', 'vacancy_id', name=op.f('uq_vacancy_offers_fair_id_vacancy_id'))
    )
    with op.batch_alter_table('vacancy_offers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vacancy_offers_vacancy_id'), ['vacancy_id'], unique=False)


def downgrade():
    with op.batch_alter_table('vacancy_offers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vacancy_offers_vacancy_id'))

    op.drop_table('vacancy_offers')
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_registrations_attendee_id'))

    op.drop_table('registrations')
    with op.batch_alter_table('booths', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_booths_school_id'))
        batch_op.drop_index(batch_op.f('ix_booths_employer_id'))

    op.drop_table('booths')
    op.drop_table('user_wards')
    with op.batch_alter_table('fairs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fairs_ward_code'))
        batch_op.drop_index(batch_op.f('ix_fairs_status'))

    op.drop_table('fairs')
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_entries_at'))
        batch_op.drop_index(batch_op.f('ix_audit_entries_actor_id'))
        batch_op.drop_index(batch_op.f('ix_audit_entries_action'))

    op.drop_table('audit_entries')
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_tokens_user_id'))

    op.drop_table('api_tokens')
    with op.batch_alter_table('vacancies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vacancies_status'))
        batch_op.drop_index(batch_op.f('ix_vacancies_employer_id'))

    op.drop_table('vacancies')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_school_id'))
        batch_op.drop_index(batch_op.f('ix_users_employer_id'))

    op.drop_table('users')
    with op.batch_alter_table('training_programmes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_programmes_school_id'))

    op.drop_table('training_programmes')
    with op.batch_alter_table('schools', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_schools_ward_code'))
        batch_op.drop_index(batch_op.f('ix_schools_status'))

    op.drop_table('schools')
    op.drop_table('legacy_ward_successors')
    with op.batch_alter_table('employers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_employers_ward_code'))
        batch_op.drop_index(batch_op.f('ix_employers_status'))

    op.drop_table('employers')
    with op.batch_alter_table('attendees', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attendees_ward_code'))
        batch_op.drop_index(batch_op.f('ix_attendees_priority_group'))
        batch_op.drop_index(batch_op.f('ix_attendees_phone'))

    op.drop_table('attendees')
    with op.batch_alter_table('wards', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_wards_search_name'))
        batch_op.drop_index(batch_op.f('ix_wards_province_code'))

    op.drop_table('wards')
    op.drop_table('provinces')
    with op.batch_alter_table('legacy_wards', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_legacy_wards_search_name'))

    op.drop_table('legacy_wards')