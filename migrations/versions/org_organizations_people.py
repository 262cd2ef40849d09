"""organizations and people

Every existing institute moves into one organization (named after the host organization most
institutes give, else "Our organization"), whose owners are the owners of those institutes.
Every invitee gets a person: invitees with the same e-mail (trimmed, case-folded) share one;
an invitee without an e-mail gets a person of their own; a name match an organizer confirmed
(returning_match) joins the two records' people.

Revision ID: org_organizations_people
Revises: ops_admin_flag
Create Date: 2026-12-03 11:28:49.018114

"""
from collections import Counter
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'org_organizations_people'
down_revision = 'ops_admin_flag'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('organization',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organization'))
    )
    op.create_table('organization_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('organizer_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('owner', 'member', name='organizationrole', native_enum=False, length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_organization_member_organization_id_organization'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organizer_id'], ['organizer.id'], name=op.f('fk_organization_member_organizer_id_organizer'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organization_member')),
    sa.UniqueConstraint('organization_id', 'organizer_id', name=op.f('uq_organization_member_organization_id_organizer_id'))
    )
    with op.batch_alter_table('organization_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organization_member_organizer_id'), ['organizer_id'], unique=False)

    op.create_table('person',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_person_organization_id_organization'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person'))
    )
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_organization_id'), ['organization_id'], unique=False)

    with op.batch_alter_table('institute', schema=None) as batch_op:
        batch_op.add_column(sa.Column('organization_id', sa.Integer(), nullable=True))

    with op.batch_alter_table('invitee', schema=None) as batch_op:
        batch_op.add_column(sa.Column('person_id', sa.Integer(), nullable=True))

    _move_into_one_organization(op.get_bind())

    with op.batch_alter_table('institute', schema=None) as batch_op:
        batch_op.alter_column('organization_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_index(batch_op.f('ix_institute_organization_id'), ['organization_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_institute_organization_id_organization'), 'organization', ['organization_id'], ['id'], ondelete='RESTRICT')

    with op.batch_alter_table('invitee', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invitee_person_id'), ['person_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_invitee_person_id_person'), 'person', ['person_id'], ['id'], ondelete='SET NULL')


_metadata = sa.MetaData()
_organization = sa.Table(
    'organization',
    _metadata,
    sa.Column('id', sa.Integer, primary_key=True),
    sa.Column('name', sa.String),
    sa.Column('created_at', sa.DateTime(timezone=True)),
    sa.Column('updated_at', sa.DateTime(timezone=True)),
)
_member = sa.table(
    'organization_member',
    sa.column('organization_id', sa.Integer),
    sa.column('organizer_id', sa.Integer),
    sa.column('role', sa.String),
    sa.column('created_at', sa.DateTime(timezone=True)),
    sa.column('updated_at', sa.DateTime(timezone=True)),
)
_person = sa.Table(
    'person',
    _metadata,
    sa.Column('id', sa.Integer, primary_key=True),
    sa.Column('organization_id', sa.Integer),
    sa.Column('created_at', sa.DateTime(timezone=True)),
)
_institute = sa.table(
    'institute',
    sa.column('id', sa.Integer),
    sa.column('host_organization', sa.String),
    sa.column('organization_id', sa.Integer),
)
_membership = sa.table(
    'membership',
    sa.column('organizer_id', sa.Integer),
    sa.column('institute_id', sa.Integer),
    sa.column('role', sa.String),
)
_invitee = sa.table(
    'invitee',
    sa.column('id', sa.Integer),
    sa.column('email', sa.String),
    sa.column('person_id', sa.Integer),
)
_match = sa.table(
    'returning_match',
    sa.column('invitee_id', sa.Integer),
    sa.column('earlier_invitee_id', sa.Integer),
    sa.column('confirmed_at', sa.DateTime(timezone=True)),
)


def _move_into_one_organization(conn) -> None:
    institutes = conn.execute(sa.select(_institute.c.id, _institute.c.host_organization)).all()
    if not institutes:
        return
    now = datetime.now(timezone.utc)
    hosts = Counter(" ".join((h or "").split()) for _id, h in institutes)
    hosts.pop("", None)
    name = hosts.most_common(1)[0][0][:300] if hosts else "Our organization"
    organization_id = conn.execute(
        sa.insert(_organization).values(name=name, created_at=now, updated_at=now)
    ).inserted_primary_key[0]
    conn.execute(sa.update(_institute).values(organization_id=organization_id))
    owners = conn.execute(
        sa.select(_membership.c.organizer_id)
        .where(_membership.c.role == 'owner')
        .distinct()
        .order_by(_membership.c.organizer_id)
    ).scalars().all()
    for organizer_id in owners:
        conn.execute(
            sa.insert(_member).values(
                organization_id=organization_id,
                organizer_id=organizer_id,
                role='owner',
                created_at=now,
                updated_at=now,
            )
        )
    people: dict[str, int] = {}
    for invitee_id, email in conn.execute(
        sa.select(_invitee.c.id, _invitee.c.email).order_by(_invitee.c.id)
    ).all():
        key = (email or "").strip().casefold()
        person_id = people.get(key) if key else None
        if person_id is None:
            person_id = conn.execute(
                sa.insert(_person).values(organization_id=organization_id, created_at=now)
            ).inserted_primary_key[0]
            if key:
                people[key] = person_id
        conn.execute(
            sa.update(_invitee).where(_invitee.c.id == invitee_id).values(person_id=person_id)
        )
    # A name match an organizer confirmed keeps counting: both records become one person.
    for invitee_id, earlier_id in conn.execute(
        sa.select(_match.c.invitee_id, _match.c.earlier_invitee_id)
        .where(_match.c.confirmed_at.isnot(None))
        .order_by(_match.c.invitee_id)
    ).all():
        person_of = dict(
            conn.execute(
                sa.select(_invitee.c.id, _invitee.c.person_id).where(
                    _invitee.c.id.in_([invitee_id, earlier_id])
                )
            ).all()
        )
        if person_of.get(invitee_id) != person_of.get(earlier_id):
            conn.execute(
                sa.update(_invitee)
                .where(_invitee.c.person_id == person_of[invitee_id])
                .values(person_id=person_of[earlier_id])
            )


def downgrade():
    with op.batch_alter_table('invitee', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_invitee_person_id_person'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_invitee_person_id'))
        batch_op.drop_column('person_id')

    with op.batch_alter_table('institute', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_institute_organization_id_organization'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_institute_organization_id'))
        batch_op.drop_column('organization_id')

    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_organization_id'))

    op.drop_table('person')
    with op.batch_alter_table('organization_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organization_member_organizer_id'))

    op.drop_table('organization_member')
    op.drop_table('organization')
