"""Contacts (`use_cases/contacts.py`, `domain/contacts.py`) on in-memory fakes, and the history's `q`."""

import uuid

import pytest

from calls_platform.domain.contacts import name_key, parse_name
from calls_platform.domain.errors import (
    ContactAlreadyExists,
    ContactNotFound,
    TooManyContacts,
    UnknownUser,
    ValidationError,
)
from calls_platform.domain.history import HistorySearch, parse_search
from calls_platform.domain.users import Caller
from calls_platform.use_cases import contacts, history, initiate
from tests.unit.fakes import world_with_users

ALICE, BOB = Caller(uuid.uuid4()), Caller(uuid.uuid4())
NUMBER, OTHER = "+491512345678", "+4915123456789"


@pytest.fixture
def fakes():
    return world_with_users(ALICE, BOB)


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("  Anna  ", "Anna"),
        ("Мама", "Мама"),
        ("Jose\u0301", "José"),  # NFC: one spelling of each name
        ("👩‍👧 Family", "👩‍👧 Family"),  # the zero-width joiner of an emoji stays
        ("x" * 100, "x" * 100),
    ],
)
def test_names_are_trimmed_and_normalised(raw, stored):
    assert parse_name(raw) == stored


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (None, "name is required"),
        (42, "must be a string"),
        ("   ", "must not be empty"),
        ("x" * 101, "at most 100"),
        ("Anna\nSchmidt", "control characters"),
        ("Anna\x00", "control characters"),
        ("\ud800", "control characters"),  # a lone surrogate: JSON can spell it, Postgres cannot store it
        ("evil\u202egnp.exe", "direction overrides"),
        ("line\u2028break", "line breaks"),
    ],
)
def test_bad_names_are_refused_with_a_clear_message(raw, message):
    with pytest.raises(ValidationError, match=message):
        parse_name(raw)


def test_a_contact_is_added_listed_by_name_changed_and_deleted(fakes):
    deps = fakes.contact_deps()
    bea = contacts.add_contact(deps, ALICE, "bea", NUMBER)
    anna = contacts.add_contact(deps, ALICE, "Anna", OTHER)
    contacts.add_contact(deps, BOB, "Bob's", NUMBER)  # numbers are unique per user, not across users
    assert contacts.list_contacts(deps, ALICE) == [anna, bea]  # by name, case-folded
    fakes.clock.advance(5)
    changed = contacts.update_contact(deps, ALICE, str(bea.contact_id), {"name": "Beatrice"})
    assert (changed.name, changed.phone_number, changed.updated_at) == ("Beatrice", NUMBER, fakes.clock.now())
    contacts.delete_contact(deps, ALICE, str(anna.contact_id))
    assert [c.name for c in contacts.list_contacts(deps, ALICE)] == ["Beatrice"]
    with pytest.raises(ContactNotFound):
        contacts.delete_contact(deps, ALICE, str(anna.contact_id))


def test_one_contact_per_number_and_user(fakes):
    deps = fakes.contact_deps()
    first = contacts.add_contact(deps, ALICE, "Anna", NUMBER)
    with pytest.raises(ContactAlreadyExists, match=str(first.contact_id)):
        contacts.add_contact(deps, ALICE, "Anna again", NUMBER)
    other = contacts.add_contact(deps, ALICE, "Bea", OTHER)
    with pytest.raises(ContactAlreadyExists):
        contacts.update_contact(deps, ALICE, str(other.contact_id), {"phone_number": NUMBER})


def test_the_cap_on_contacts_per_user(fakes):
    deps = fakes.contact_deps(max_contacts=2)
    contacts.add_contact(deps, ALICE, "A", NUMBER)
    contacts.add_contact(deps, ALICE, "B", OTHER)
    with pytest.raises(TooManyContacts):
        contacts.add_contact(deps, ALICE, "C", "+4930123456")
    contacts.add_contact(deps, BOB, "C", "+4930123456")


def test_someone_elses_contact_is_not_found(fakes):
    deps = fakes.contact_deps()
    mine = contacts.add_contact(deps, ALICE, "Anna", NUMBER)
    with pytest.raises(ContactNotFound):
        contacts.update_contact(deps, BOB, str(mine.contact_id), {"name": "Mine now"})
    with pytest.raises(ContactNotFound):
        contacts.delete_contact(deps, BOB, str(mine.contact_id))
    assert contacts.list_contacts(deps, ALICE) == [mine]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({}, "nothing to change"),
        ({"nmae": "typo"}, "unknown field 'nmae'"),
        ({"name": None}, "name is required"),
        ({"phone_number": "0151 2345678"}, r"E\.164"),
    ],
)
def test_bad_changes_are_refused_and_change_nothing(fakes, changes, message):
    deps = fakes.contact_deps()
    mine = contacts.add_contact(deps, ALICE, "Anna", NUMBER)
    with pytest.raises(ValidationError, match=message):
        contacts.update_contact(deps, ALICE, str(mine.contact_id), changes)
    assert contacts.list_contacts(deps, ALICE) == [mine]


def test_bad_numbers_and_ids(fakes):
    deps = fakes.contact_deps()
    with pytest.raises(ValidationError, match=r"E\.164"):
        contacts.add_contact(deps, ALICE, "Anna", "491512345678")
    with pytest.raises(ValidationError, match="contact_id must be a UUID"):
        contacts.delete_contact(deps, ALICE, "not-a-uuid")
    with pytest.raises(UnknownUser):
        contacts.list_contacts(deps, Caller(uuid.uuid4()))


# History: names beside numbers, and `q`


def test_search_reads_digits_as_a_number_and_anything_else_as_a_name():
    assert parse_search("+49 (151) 234-5") == HistorySearch(name_key="+49 (151) 234-5", digits="491512345")
    assert parse_search("ANNA") == HistorySearch(name_key="anna", digits=None)
    assert parse_search("Office 2") == HistorySearch(name_key="office 2", digits=None)
    assert parse_search("   ") is None and parse_search(None) is None
    with pytest.raises(ValidationError, match="at most 100"):
        parse_search("x" * 101)
    assert name_key("STRASSE") == name_key("Straße")  # Unicode case folding, not lower()


def test_history_names_each_number_and_finds_a_name_or_digits(fakes):
    deps = fakes.call_deps()
    to_anna = initiate.initiate_call(deps, ALICE, NUMBER).call
    fakes.clock.advance(1)
    to_other = initiate.initiate_call(deps, ALICE, OTHER).call
    contacts.add_contact(fakes.contact_deps(), ALICE, "Anna Schmidt", NUMBER)
    contacts.add_contact(fakes.contact_deps(), BOB, "Bob's name for it", OTHER)  # another user's: not shown

    page = history.call_history(deps, ALICE)
    assert [(e.call.call_id, e.contact_name) for e in page.entries] == [
        (to_other.call_id, None),
        (to_anna.call_id, "Anna Schmidt"),
    ]
    assert [c.call_id for c in history.call_history(deps, ALICE, q="schmi").calls] == [to_anna.call_id]
    assert [c.call_id for c in history.call_history(deps, ALICE, q="3456789").calls] == [to_other.call_id]
    assert [c.call_id for c in history.call_history(deps, ALICE, q="+49 151").calls] == [
        to_other.call_id,
        to_anna.call_id,
    ]
    assert history.call_history(deps, ALICE, q="bob").calls == []
