"""Session titles in each working language; stored travel risks.

Revision ID: i16_read_model
Revises: i15_attendance
Create Date: 2026-12-03 08:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "i16_read_model"
down_revision = "i15_attendance"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("session", schema=None) as batch_op:
        batch_op.add_column(sa.Column("translations", sa.JSON(), nullable=True))

    op.create_table(
        "risk",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("institute_id", sa.Integer(), nullable=False),
        sa.Column("invitee_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("severity", sa.String(length=10), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("computed_on", sa.Date(), nullable=False),
        sa.Column("basis", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["institute_id"], ["institute.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["invitee_id"], ["invitee.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("risk", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_risk_institute_id"), ["institute_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_risk_invitee_id"), ["invitee_id"], unique=False)


def downgrade():
    with op.batch_alter_table("risk", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_risk_invitee_id"))
        batch_op.drop_index(batch_op.f("ix_risk_institute_id"))
    op.drop_table("risk")
    with op.batch_alter_table("session", schema=None) as batch_op:
        batch_op.drop_column("translations")
