"""Derived values: dashboard figures stored with the data version they were computed at.

Revision ID: derived_values
Revises: render_jobs
Create Date: 2026-12-03 15:00:00

"""

import sqlalchemy as sa
from alembic import op


revision = "derived_values"
down_revision = "render_jobs"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "derived_value",
        sa.Column("institute_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("data_version", sa.Integer(), nullable=False),
        sa.Column("basis", sa.String(length=64), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["institute_id"],
            ["institute.id"],
            name=op.f("fk_derived_value_institute_id_institute"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("institute_id", "name", name=op.f("pk_derived_value")),
    )


def downgrade():
    op.drop_table("derived_value")
