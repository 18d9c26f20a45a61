"""partners: employer/school approval times, vacancy requirements, booth life cycle, booth limits

Adds: employers.decided_at; schools.contact_name, schools.decided_at; on vacancies working_hours,
benefits, education, experience_years, age_min, age_max, updated_at with checks on the age range
and experience; on booths cancel_reason, confirmed_at, created_by and a unique (fair_id, label);
the table fair_booth_settings (fair_id → booth_limit). downgrade() removes all of it (booths in the
new "invited" status become "cancelled", which the old code knows).

Revision ID: 4c0a00000001
Revises: 3a35e49166f7
Create Date: 2026-11-25 12:45:00

"""
from alembic import op
import sqlalchemy as sa
import fairapp.modelbase


revision = '4c0a00000001'
down_revision = '3a35e49166f7'
branch_labels = None
depends_on = None

EDUCATION = ('none', 'primary', 'lower_secondary', 'upper_secondary', 'vocational', 'college', 'university')


def upgrade():
    op.create_table('fair_booth_settings',
    sa.Column('fair_id', sa.Integer(), nullable=False),
    sa.Column('booth_limit', sa.Integer(), nullable=True),
    sa.CheckConstraint('booth_limit IS NULL OR booth_limit > 0', name=op.f('ck_fair_booth_settings_limit_positive')),
    sa.ForeignKeyConstraint(['fair_id'], ['fairs.id'], name=op.f('fk_fair_booth_settings_fair_id_fairs'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('fair_id', name=op.f('pk_fair_booth_settings'))
    )
    with op.batch_alter_table('booths', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cancel_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('confirmed_at', fairapp.modelbase.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('created_by', sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_booths_fair_id_label'), ['fair_id', 'label'])
        batch_op.create_foreign_key(batch_op.f('fk_booths_created_by_users'), 'users', ['created_by'], ['id'])

    with op.batch_alter_table('employers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('decided_at', fairapp.modelbase.UTCDateTime(timezone=True), nullable=True))

    with op.batch_alter_table('schools', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contact_name', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('decided_at', fairapp.modelbase.UTCDateTime(timezone=True), nullable=True))

    with op.batch_alter_table('vacancies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('working_hours', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('benefits', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('education', sa.Enum(*EDUCATION, name='educationlevel', native_enum=False,
                                                           length=20), nullable=True))
        batch_op.add_column(sa.Column('experience_years', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('age_min', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('age_max', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('updated_at', fairapp.modelbase.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_check_constraint(
            op.f('ck_vacancies_age_range'), 'age_min IS NULL OR age_max IS NULL OR age_min <= age_max')
        batch_op.create_check_constraint(
            op.f('ck_vacancies_experience_not_negative'), 'experience_years IS NULL OR experience_years >= 0')


def downgrade():
    op.execute("UPDATE booths SET status = 'cancelled' WHERE status = 'invited'")
    with op.batch_alter_table('vacancies', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_vacancies_experience_not_negative'), type_='check')
        batch_op.drop_constraint(op.f('ck_vacancies_age_range'), type_='check')
        batch_op.drop_column('updated_at')
        batch_op.drop_column('age_max')
        batch_op.drop_column('age_min')
        batch_op.drop_column('experience_years')
        batch_op.drop_column('education')
        batch_op.drop_column('benefits')
        batch_op.drop_column('working_hours')

    with op.batch_alter_table('schools', schema=None) as batch_op:
        batch_op.drop_column('decided_at')
        batch_op.drop_column('contact_name')

    with op.batch_alter_table('employers', schema=None) as batch_op:
        batch_op.drop_column('decided_at')

    with op.batch_alter_table('booths', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_booths_created_by_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_booths_fair_id_label'), type_='unique')
        batch_op.drop_column('created_by')
        batch_op.drop_column('confirmed_at')
        batch_op.drop_column('cancel_reason')

    op.drop_table('fair_booth_settings')
