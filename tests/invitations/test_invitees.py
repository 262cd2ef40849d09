"""Organizers' invitee pages: add, edit, remove, the filtered list, one invitee's page."""

import re

import pytest
from sqlalchemy import func, select

from planner.extensions import db
from planner.invitations.models import Invitee, InviteeRole, RsvpStatus, StatusChange
from planner.security.models import AuditEvent
from tests import factories
from tests.invitations.conftest import audit_actions, count_queries, make_invitees

NEW_INVITEE = {
    "full_name": "Ләззат Нұрланқызы",
    "passport_name": "Nurlankyzy Lazzat",
    "email": "Lazzat@Example.org",
    "phone": "+7 701 555 0101",
    "organization": "Qazaq Women's Forum",
    "country": "KZ",
    "nationality": "KZ",
    "role": "trainer",
    "language": "kk",
    "passport_number": "N1234567",
    "passport_expiry": "2030-01-31",
    "date_of_birth": "1985-06-01",
}


def names_on(html: str) -> list[str]:
    return re.findall(r'<th scope="row" class="fw-normal"><a href="[^"]+">([^<]+)</a>', html)


def test_organizer_adds_an_invitee(owner_client, institute):
    response = owner_client.post(f"/institutes/{institute.slug}/invitees/new", data=NEW_INVITEE)

    assert response.status_code == 302
    invitee = db.session.scalars(select(Invitee)).one()
    assert invitee.email == "lazzat@example.org"
    assert invitee.passport_name == "NURLANKYZY LAZZAT"
    assert (invitee.role, invitee.language) == (InviteeRole.TRAINER, "kk")
    assert invitee.rsvp_status == RsvpStatus.DRAFT
    assert invitee.passport_number == "N1234567"
    assert invitee.search_name == "ләззат нұрланқызы nurlankyzy lazzat lazzat@example.org"
    assert db.session.scalars(select(StatusChange.new_status)).all() == ["added"]
    assert "invitee.created" in audit_actions()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"full_name": ""}, "This field is required."),
        ({"email": "not-an-email"}, "Invalid email address."),
        ({"passport_name": "Нурланкызы"}, "in Latin letters"),
        ({"full_name": "=HYPERLINK(1)"}, "A name cannot start with"),
        ({"passport_number": "!!"}, "Use 5 to 20 Latin letters and digits"),
        ({"passport_expiry": "31.02.2030"}, "Not a valid date value."),
        ({"country": "XX"}, "Not a valid choice"),
        ({"role": "guest"}, "Not a valid choice"),
    ],
)
def test_add_with_bad_input_keeps_the_values_and_saves_nothing(
    owner_client, institute, changes, message
):
    response = owner_client.post(
        f"/institutes/{institute.slug}/invitees/new", data={**NEW_INVITEE, **changes}
    )

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html
    assert 'value="Qazaq Women&#39;s Forum"' in html
    assert db.session.scalar(select(func.count(Invitee.id))) == 0
    assert db.session.scalar(select(func.count(AuditEvent.id))) == 0


def test_the_same_email_twice_is_refused_next_to_the_field(owner_client, institute):
    factories.make_invitee(institute, email="lazzat@example.org")

    response = owner_client.post(f"/institutes/{institute.slug}/invitees/new", data=NEW_INVITEE)

    assert response.status_code == 400
    assert "Another invitee of this institute has this e-mail." in response.get_data(as_text=True)


def test_edit_keeps_encrypted_values_unless_new_ones_are_typed(owner_client, institute):
    invitee = factories.make_invitee(institute, passport_number="N7654321")
    form = owner_client.get(f"/institutes/{institute.slug}/invitees/{invitee.id}/edit")
    assert "N7654321" not in form.get_data(as_text=True)  # never put back into a page

    response = owner_client.post(
        f"/institutes/{institute.slug}/invitees/{invitee.id}/edit",
        data={**NEW_INVITEE, "email": invitee.email, "passport_number": "", "date_of_birth": ""},
    )

    assert response.status_code == 302
    db.session.expire_all()
    assert invitee.passport_number == "N7654321"
    assert invitee.full_name == "Ләззат Нұрланқызы"
    assert "invitee.updated" in audit_actions()


def test_edit_with_bad_input_keeps_the_values_and_saves_nothing(owner_client, institute):
    invitee = factories.make_invitee(institute, full_name="Тимур Абенов", organization="Old Org")

    response = owner_client.post(
        f"/institutes/{institute.slug}/invitees/{invitee.id}/edit",
        data={**NEW_INVITEE, "email": "broken@", "organization": "New Org"},
    )

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Invalid email address." in html
    assert 'value="New Org"' in html
    db.session.expire_all()
    assert (invitee.full_name, invitee.organization) == ("Тимур Абенов", "Old Org")
    assert "invitee.updated" not in audit_actions()


def test_remove_is_soft_keeps_history_and_hides_from_the_list(owner_client, institute):
    invitee = factories.make_invitee(institute, full_name="Мунира Шарипова")

    owner_client.post(f"/institutes/{institute.slug}/invitees/{invitee.id}/remove")

    db.session.expire_all()
    assert invitee.removed_at is not None
    assert db.session.scalars(select(StatusChange.new_status)).all() == ["removed"]
    assert "invitee.removed" in audit_actions()
    page = owner_client.get(f"/institutes/{institute.slug}/invitees/").get_data(as_text=True)
    assert names_on(page) == []
    assert (
        owner_client.get(f"/institutes/{institute.slug}/invitees/{invitee.id}").status_code == 404
    )


def test_search_finds_names_in_any_script_case_insensitively(owner_client, institute):
    factories.make_invitee(
        institute, full_name="Бегимай Осмонова", passport_name="OSMONOVA BEGIMAI"
    )
    factories.make_invitee(institute, full_name="Ләззат Нұрланқызы", passport_name="NURLANKYZY")
    factories.make_invitee(institute, full_name="Samira Khalil", email="samira.k@example.org")
    url = f"/institutes/{institute.slug}/invitees/"

    def search(q):
        return names_on(owner_client.get(url, query_string={"q": q}).get_data(as_text=True))

    assert search("БЕГИМАЙ") == ["Бегимай Осмонова"]
    assert search("осмон") == ["Бегимай Осмонова"]
    assert search("begimai") == ["Бегимай Осмонова"]
    assert search("ЛӘЗЗАТ") == ["Ләззат Нұрланқызы"]
    assert search("SAMIRA.K@") == ["Samira Khalil"]
    assert search("100%_") == []


def test_filters_combine(owner_client, institute):
    factories.make_invitee(institute, full_name="A KZ ru", country="KZ", language="ru")
    factories.make_invitee(institute, full_name="B KZ en", country="KZ", language="en")
    factories.make_invitee(
        institute, full_name="C KG ru", country="KG", nationality="KG", role=InviteeRole.TRAINER
    )
    factories.make_invitee(
        institute, full_name="D KZ ru", country="KZ", rsvp_status=RsvpStatus.CONFIRMED
    )
    url = f"/institutes/{institute.slug}/invitees/"

    def listed(**args):
        return names_on(owner_client.get(url, query_string=args).get_data(as_text=True))

    assert listed(country="KZ", language="ru", status="invited") == ["A KZ ru"]
    assert listed(role="trainer") == ["C KG ru"]
    assert listed(nationality="KG") == ["C KG ru"]
    assert listed(status="confirmed") == ["D KZ ru"]
    assert listed(status="no-such-status") == ["A KZ ru", "B KZ en", "C KG ru", "D KZ ru"]


def test_list_of_200_shows_counts_pages_and_uses_a_constant_number_of_queries(
    owner_client, institute
):
    make_invitees(institute, 20)
    url = f"/institutes/{institute.slug}/invitees/"
    owner_client.get(url)  # warm up: first-use caches
    db.session.expire_all()
    with count_queries() as few:
        owner_client.get(url)
    for n in range(180):
        db.session.add(
            Invitee(
                institute=institute,
                full_name=f"Ещё {n:03d}",
                email=f"more{n:03d}@example.org",
                country="TJ",
                rsvp_status=RsvpStatus.DECLINED,
            )
        )
    db.session.commit()
    owner_client.get(url)  # the first reader after the change stores the counts by status
    db.session.expire_all()

    with count_queries() as many:
        response = owner_client.get(url, query_string={"page": 2})

    assert len(many) == len(few), (few, many)
    html = response.get_data(as_text=True)
    assert len(names_on(html)) == 50
    assert "200 invitees match." in html
    assert "Declined: 180" in html
    assert 'aria-current="page">2</a>' in html


def test_passport_data_is_masked_and_revealing_it_is_audited(owner_client, institute):
    invitee = factories.make_invitee(
        institute, passport_number="N7300137", date_of_birth="1988-03-14"
    )
    url = f"/institutes/{institute.slug}/invitees/{invitee.id}"

    masked = owner_client.get(url).get_data(as_text=True)
    assert "N7300137" not in masked
    assert "•••• 37" in masked
    assert "invitee.passport_viewed" not in audit_actions()

    shown = owner_client.get(url, query_string={"reveal": "1"}).get_data(as_text=True)
    assert "N7300137" in shown
    assert "invitee.passport_viewed" in audit_actions()


def test_viewers_never_see_passport_data(member, institute):
    invitee = factories.make_invitee(institute, passport_number="N7300137")
    viewer = member("viewer")
    url = f"/institutes/{institute.slug}/invitees/{invitee.id}"

    page = viewer.get(url).get_data(as_text=True)

    assert "N7300137" not in page
    assert "Passport number" not in page
    assert viewer.get(url, query_string={"reveal": "1"}).status_code == 403


def test_invitee_page_shows_history_and_links_never_tokens(owner_client, organizer, institute):
    from planner.invitations import services

    invitee = factories.make_invitee(institute, rsvp_status=RsvpStatus.DRAFT)
    services.send_invitations(institute, [invitee], organizer, "http://planner.test")
    db.session.commit()
    from tests.invitations.conftest import link_in, outbox

    token = link_in(outbox()[0]).rsplit("/", 1)[1]

    html = owner_client.get(f"/institutes/{institute.slug}/invitees/{invitee.id}").get_data(
        as_text=True
    )

    assert token not in html
    assert "Not invited yet → Invited" in html
    assert "Olga Organizer" in html
    assert "works until" in html


def test_the_pager_links_a_few_pages_around_this_one(owner_client, institute):
    for n in range(12 * 50):
        db.session.add(
            Invitee(
                institute_id=institute.id, full_name=f"Person {n:04d}", email=f"p{n}@example.org"
            )
        )
    db.session.commit()
    url = f"/institutes/{institute.slug}/invitees/"

    html = owner_client.get(url, query_string={"page": 6}).get_data(as_text=True)
    pager = html[html.index('<ul class="pagination') :]
    pager = pager[: pager.index("</ul>")]
    numbers = [int(n) for n in re.findall(r'class="page-link" href="[^"]*"[^>]*>(\d+)</a>', pager)]
    assert numbers == [1, 4, 5, 6, 7, 8, 12]
    assert pager.count("…") == 2
    assert 'aria-current="page">6</a>' in pager
    assert 'page=5" rel="prev">Previous</a>' in html.replace("&amp;", "&")
    assert 'page=7" rel="next">Next</a>' in html.replace("&amp;", "&")

    first = owner_client.get(url).get_data(as_text=True)
    assert '<span class="page-link">Previous</span>' in first  # nothing before the first page
    last = owner_client.get(url, query_string={"page": 12}).get_data(as_text=True)
    assert '<span class="page-link">Next</span>' in last
