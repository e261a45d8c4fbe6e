"""A user's contacts: add, list, change and delete names for numbers (docs/contacts.md)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import TYPE_CHECKING

from calls_platform.domain.contacts import Contact, name_key, parse_contact_id, parse_contact_number, parse_name
from calls_platform.domain.errors import ContactNotFound, ValidationError

if TYPE_CHECKING:
    from calls_platform.domain.users import Caller
    from calls_platform.use_cases.ports import Clock, ContactRepository

_FIELDS = ("name", "phone_number")


@dataclasses.dataclass(frozen=True)
class ContactDeps:
    contacts: ContactRepository
    clock: Clock
    max_contacts: int = 1000  # per user: a sane bound on what one account stores (MAX_CONTACTS_PER_USER)


def add_contact(deps: ContactDeps, caller: Caller, name: object, phone_number: object) -> Contact:
    """A new contact: its name checked (domain.contacts.parse_name), its number E.164 by the dialling rule."""
    clean_name, number = parse_name(name), parse_contact_number(phone_number)
    contact = Contact.new(caller.user_id, clean_name, number, deps.clock.now())
    return deps.contacts.add(caller, contact, name_key(clean_name), deps.max_contacts)


def list_contacts(deps: ContactDeps, caller: Caller) -> list[Contact]:
    return deps.contacts.list(caller)


def update_contact(deps: ContactDeps, caller: Caller, contact_id: object, changes: Mapping[str, object]) -> Contact:
    """Change the name, the number or both; a field not sent stays. Unknown fields are refused (a typo must
    not pass for a change that did nothing)."""
    cid = parse_contact_id(contact_id)
    unknown = sorted(set(changes) - set(_FIELDS))
    if unknown:
        raise ValidationError(f"unknown field {unknown[0][:64]!r}: a contact has name and phone_number")
    if not any(field in changes for field in _FIELDS):
        raise ValidationError("nothing to change: send name, phone_number or both")
    name = parse_name(changes["name"]) if "name" in changes else None
    number = parse_contact_number(changes["phone_number"]) if "phone_number" in changes else None
    updated = deps.contacts.update(
        caller, cid, name, name_key(name) if name is not None else None, number, deps.clock.now()
    )
    if updated is None:
        raise ContactNotFound()
    return updated


def delete_contact(deps: ContactDeps, caller: Caller, contact_id: object) -> None:
    if not deps.contacts.remove(caller, parse_contact_id(contact_id)):
        raise ContactNotFound()
