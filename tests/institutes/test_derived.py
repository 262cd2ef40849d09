"""Dashboard figures stored per data version: computed once per change, read back after, and
never stale: a change (even one a service did not announce), another day or another language
computes them again; a purge of personal data deletes them."""

from datetime import date

from sqlalchemy import select, update

from planner.agenda import reading
from planner.extensions import db
from planner.institutes import derived
from planner.institutes.derived import DerivedValue
from planner.invitations.models import Invitee, RsvpStatus
from planner.retention import purge_institute
from planner.travel.models import VisaRequirement
from tests import factories
from tests.agenda.factories import make_room, make_session
from tests.travel.factories import make_rule


def dashboard(client, institute) -> str:
    response = client.get(f"/institutes/{institute.slug}/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def stored_names(institute) -> set[str]:
    return set(
        db.session.scalars(
            select(DerivedValue.name).where(DerivedValue.institute_id == institute.id)
        )
    )


def test_conflicts_are_checked_once_per_change(client, login, organizer, institute, monkeypatch):
    altai = make_room(institute, "Altai Room")
    make_session(institute, "2027-04-12 11:00", "2027-04-12 12:30", "Group A", room=altai)
    runs = []
    real = reading.find_conflicts
    monkeypatch.setattr(reading, "find_conflicts", lambda i: runs.append(1) or real(i))
    login(organizer)

    assert "No conflicts found." in dashboard(client, institute)
    assert "No conflicts found." in dashboard(client, institute)
    assert len(runs) == 1  # the second view read the stored count

    make_session(institute, "2027-04-12 12:00", "2027-04-12 13:00", "Clinic", room=altai)
    assert "1 conflict to look at" in dashboard(client, institute)
    assert len(runs) == 2


def test_an_unannounced_change_still_shows(client, login, organizer, institute):
    """A change made without ``touch()`` raises the version all the same (the risk store's
    watch on invitees), so the stored counts follow."""
    person = factories.make_invitee(institute, country="KZ", nationality="KZ")
    login(organizer)
    page = dashboard(client, institute)
    assert "Kyrgyzstan" not in page
    version = institute.data_version

    db.session.execute(
        update(Invitee).where(Invitee.id == person.id).values(country="KG")
    )  # not through the ORM: nothing can notice this one
    person = db.session.get(Invitee, person.id)
    person.nationality = "KG"  # through the ORM, with no service and no touch()
    db.session.commit()
    assert institute.data_version > version
    assert "Kyrgyzstan" in dashboard(client, institute)


def test_risks_are_worded_in_the_readers_language(client, login, organizer, institute):
    make_rule(institute, "JO", VisaRequirement.REQUIRED, lead_time_days=400)
    factories.make_invitee(
        institute, full_name="Rania Haddad", nationality="JO", rsvp_status=RsvpStatus.CONFIRMED
    )
    login(organizer)
    english = dashboard(client, institute)
    client.post("/language", data={"lang": "ru"})
    russian = dashboard(client, institute)
    assert "Rania Haddad" in english and "Rania Haddad" in russian
    assert "Risks" in english and "Risks" not in russian
    assert {"travel_risks_en", "travel_risks_ru"} <= stored_names(institute)


def test_a_figure_from_another_day_or_version_is_computed_again(app, institute):
    factories.make_invitee(institute, country="KZ")
    with app.test_request_context("/"):
        assert derived.stored(institute, "figure", lambda: 1, basis="2027-04-11") == 1
    with app.test_request_context("/"):
        assert derived.stored(institute, "figure", lambda: 2, basis="2027-04-11") == 1
        assert derived.stored(institute, "figure", lambda: 3, basis="2027-04-12") == 3
    institute.touch()
    db.session.commit()
    with app.test_request_context("/"):
        assert derived.stored(institute, "figure", lambda: 4, basis="2027-04-12") == 4
    row = db.session.get(DerivedValue, (institute.id, "figure"))
    assert (row.data_version, row.basis, row.value) == (institute.data_version, "2027-04-12", 4)


def test_a_figure_of_uncommitted_changes_is_not_stored_and_nothing_is_committed(app, institute):
    with app.test_request_context("/"):
        person = Invitee(institute_id=institute.id, full_name="Not saved", email="n@example.org")
        db.session.add(person)
        assert derived.stored(institute, "figure", lambda: 7) == 7
        db.session.rollback()
    assert db.session.get(DerivedValue, (institute.id, "figure")) is None
    assert db.session.scalar(select(Invitee).where(Invitee.full_name == "Not saved")) is None


def test_purging_personal_data_deletes_the_stored_figures(client, login, organizer, institute):
    make_rule(institute, "JO", VisaRequirement.REQUIRED, lead_time_days=400)
    factories.make_invitee(
        institute, full_name="Rania Haddad", nationality="JO", rsvp_status=RsvpStatus.CONFIRMED
    )
    login(organizer)
    dashboard(client, institute)
    assert "travel_risks_en" in stored_names(institute)
    institute.retention_date = date(2027, 6, 1)
    purge_institute(institute)
    db.session.commit()
    assert stored_names(institute) == set()
    assert "Rania Haddad" not in dashboard(client, institute)
