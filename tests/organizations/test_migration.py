"""The migration moves every existing institute into one organization and groups invitees
into people by e-mail, on SQLite and PostgreSQL."""

from sqlalchemy import text

from planner.extensions import db
from tests.test_migrations import (
    empty_database_url,  # noqa: F401 - the fixture
    migratable_app,
)

BEFORE = "i16_read_model"


def _insert(conn, sql: str, **values) -> None:
    conn.execute(text(sql), values)


def test_existing_data_lands_in_one_organization_with_people_grouped(
    empty_database_url,  # noqa: F811
):
    from flask_migrate import downgrade, upgrade

    app = migratable_app(empty_database_url)
    with app.app_context():
        upgrade(revision=BEFORE)
        with db.engine.begin() as conn:
            for n, email in enumerate(
                ("owner1@example.org", "owner2@example.org", "ed@example.org")
            ):
                _insert(
                    conn,
                    "INSERT INTO organizer (id, email, name, password_hash, locale, active,"
                    " session_token, created_at, updated_at) VALUES (:id, :email, 'O', 'x', 'en',"
                    " :yes, :token, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
                    id=n + 1,
                    email=email,
                    yes=True,
                    token=f"token-{n}",
                )
            for n, host in enumerate(("Steppe Network", "Steppe Network", "")):
                _insert(
                    conn,
                    "INSERT INTO institute (id, slug, title, description, host_organization,"
                    " city, country, venue, address, timezone, start_date, end_date,"
                    " working_languages, status, contact_email, emergency_phone,"
                    " program_published, data_version, require_two_factor, created_at,"
                    " updated_at) VALUES (:id, :slug, 'T', '', :host, 'C', 'KZ', '', '',"
                    " 'Asia/Almaty', '2027-01-01', '2027-01-02', 'en', 'open', '', '', :no, 1,"
                    " :no, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
                    id=n + 1,
                    slug=f"i-{n}",
                    host=host,
                    no=False,
                )
            for organizer_id, institute_id, role in (
                (1, 1, "owner"),
                (2, 2, "owner"),
                (3, 1, "editor"),
                (1, 3, "owner"),
            ):
                _insert(
                    conn,
                    "INSERT INTO membership (organizer_id, institute_id, role, created_at,"
                    " updated_at) VALUES (:o, :i, :r, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
                    o=organizer_id,
                    i=institute_id,
                    r=role,
                )
            invitees = [
                (1, 1, "same@example.org"),
                (2, 2, " Same@Example.org "),
                (3, 3, "same@example.org"),
                (4, 1, "other@example.org"),
                (5, 2, ""),
                (6, 3, ""),
                (7, 1, "namesake.old@example.org"),
                (8, 2, "namesake.new@example.org"),
            ]
            for invitee_id, institute_id, email in invitees:
                _insert(
                    conn,
                    "INSERT INTO invitee (id, institute_id, full_name, passport_name, email,"
                    " phone, organization, role, language, rsvp_status, decline_reason,"
                    " consent_to_list, consent_named_facilitator, dietary_needs, access_needs,"
                    " organizer_notes, reminders_sent, search_name, created_at, updated_at)"
                    " VALUES (:id, :i, 'N', '', :email, '', '', 'participant', 'en', 'confirmed',"
                    " '', :no, :no, '', '', '', 0, '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
                    id=invitee_id,
                    i=institute_id,
                    email=email,
                    no=False,
                )
            _insert(
                conn,
                "INSERT INTO returning_match (invitee_id, earlier_invitee_id, by, found_at,"
                " confirmed_at) VALUES (8, 7, 'name', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
            )
        upgrade()
        with db.engine.connect() as conn:
            organizations = conn.execute(text("SELECT id, name FROM organization")).all()
            assert [name for _id, name in organizations] == ["Steppe Network"]
            [(org_id, _name)] = organizations
            assert set(conn.execute(text("SELECT organization_id FROM institute")).scalars()) == {
                org_id
            }
            owners = conn.execute(
                text("SELECT organizer_id, role FROM organization_member ORDER BY organizer_id")
            ).all()
            assert [tuple(row) for row in owners] == [(1, "owner"), (2, "owner")]
            person = dict(conn.execute(text("SELECT id, person_id FROM invitee ORDER BY id")).all())
            assert person[1] == person[2] == person[3]  # the same e-mail, case and spaces aside
            assert len({person[1], person[4], person[5], person[6]}) == 4  # no e-mail: own
            assert person[7] == person[8]  # a confirmed name match: one person
            assert set(conn.execute(text("SELECT organization_id FROM person")).scalars()) == {
                org_id
            }
        downgrade(revision=BEFORE)
        with db.engine.connect() as conn:
            tables = set(db.inspect(conn).get_table_names())
        assert "organization" not in tables and "person" not in tables
        downgrade(revision="base")
        db.engine.dispose()


def test_an_empty_database_gets_no_organization(empty_database_url):  # noqa: F811
    from flask_migrate import downgrade, upgrade

    app = migratable_app(empty_database_url)
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM organization")).scalar() == 0
        downgrade(revision="base")
        db.engine.dispose()
