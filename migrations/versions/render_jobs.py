"""Render jobs: the documents the render worker keeps ready in the document cache.

Revision ID: render_jobs
Revises: org_organizations_people
Create Date: 2026-12-03 11:50:00

"""

import sqlalchemy as sa
from alembic import op


revision = "render_jobs"
down_revision = "org_organizations_people"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "render_job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("institute_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("paper", sa.String(length=10), nullable=False),
        sa.Column("locale", sa.String(length=10), nullable=False),
        sa.Column(
            "status",
            sa.Enum("queued", "done", "failed", name="renderstatus", native_enum=False, length=10),
            nullable=False,
        ),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("first_queued_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claim_token", sa.String(length=32), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("rendered_version", sa.Integer(), nullable=True),
        sa.Column("rendered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["institute_id"],
            ["institute.id"],
            name=op.f("fk_render_job_institute_id_institute"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_render_job")),
        sa.UniqueConstraint(
            "institute_id",
            "kind",
            "subject_id",
            "paper",
            "locale",
            name=op.f("uq_render_job_institute_id_kind_subject_id_paper_locale"),
        ),
    )
    with op.batch_alter_table("render_job", schema=None) as batch_op:
        batch_op.create_index("ix_render_job_status_due", ["status", "due_at"], unique=False)


def downgrade():
    with op.batch_alter_table("render_job", schema=None) as batch_op:
        batch_op.drop_index("ix_render_job_status_due")
    op.drop_table("render_job")
