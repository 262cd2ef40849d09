"""logistics you can trust: pickups arranged apart from requested, sessions spanning rooms,
per-institute visa letter numbers, consent to be named as a facilitator

Revision ID: i11_logistics
Revises: 0be0baef84ff
Create Date: 2026-12-03 08:20:00

"""

import sqlalchemy as sa
from alembic import op

revision = "i11_logistics"
down_revision = "0be0baef84ff"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("travel_leg", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("pickup_by", sa.String(length=200), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("pickup_at", sa.DateTime(), nullable=True))

    with op.batch_alter_table("session", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("spans_rooms", sa.Boolean(), nullable=False, server_default=sa.false())
        )

    with op.batch_alter_table("invitee", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "consent_named_facilitator",
                sa.Boolean(),
                nullable=False,
                server_default=sa.false(),
            )
        )
        batch_op.add_column(sa.Column("letter_number", sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(
            "uq_invitee_letter_number", ["institute_id", "letter_number"]
        )


def downgrade():
    with op.batch_alter_table("invitee", schema=None) as batch_op:
        batch_op.drop_constraint("uq_invitee_letter_number", type_="unique")
        batch_op.drop_column("letter_number")
        batch_op.drop_column("consent_named_facilitator")

    with op.batch_alter_table("session", schema=None) as batch_op:
        batch_op.drop_column("spans_rooms")

    with op.batch_alter_table("travel_leg", schema=None) as batch_op:
        batch_op.drop_column("pickup_at")
        batch_op.drop_column("pickup_by")
