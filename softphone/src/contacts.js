// Names for numbers: the person's contacts (GET/POST /api/contacts, PATCH/DELETE /api/contacts/{id}), a list to
// call from, and one dialog to add, edit or delete. History's "Add contact" and the call screen open the dialog
// with the `softphone:add-contact` event ({number}); "Call" dispatches `softphone:dial` ({number, name}).
import { parsePhoneNumberFromString } from "libphonenumber-js/max";
import { formatForDisplay } from "./dialer.js";
import { $, button, make } from "./dom.js";
import { errorText, t } from "./i18n.js";
import { markInvalid } from "./validity.js";

/** The E.164 form of a number typed with its country code ("+44 20 7946 0958", "0044..."), else null. */
export function toE164(text) {
  const raw = text.trim().replace(/^00/, "+");
  if (!raw.startsWith("+")) return null;
  const number = parsePhoneNumberFromString(raw);
  return number?.isPossible() ? number.number : null;
}

/** The fields a PATCH must carry: only what changed (an empty change is no request at all). */
export function changes(contact, name, phoneNumber) {
  const out = {};
  if (name !== contact.name) out.name = name;
  if (phoneNumber !== contact.phone_number) out.phone_number = phoneNumber;
  return out;
}

const view = { api: null, say: () => {}, changed: () => {}, contacts: [], editing: null };

function row(contact) {
  const item = make("li");
  item.dataset.testid = "contact";
  const who = make("span", { className: "party" });
  who.append(make("strong", { textContent: contact.name }));
  who.append(make("span", { className: "num", textContent: formatForDisplay(contact.phone_number) }));
  const acts = make("span", { className: "acts" });
  const { name } = contact;
  const dial = () => {
    const detail = { number: contact.phone_number, name };
    document.dispatchEvent(new CustomEvent("softphone:dial", { detail }));
  };
  acts.append(
    button(t("contacts.call"), t("contacts.callLabel", { name }), "contact-call", dial),
    button(t("contacts.edit"), t("contacts.editLabel", { name }), "contact-edit", () => openForm({ contact })),
  );
  item.append(who, acts);
  return item;
}

function render() {
  $("contacts").replaceChildren(...view.contacts.map(row));
  $("contacts-empty").hidden = view.contacts.length > 0;
}

export async function loadContacts() {
  view.contacts = (await view.api.contacts()).contacts;
  render();
}

export const relabel = render;

function openForm({ contact = null, number = "" }) {
  view.editing = contact;
  $("contact-title").textContent = t(contact ? "contacts.editTitle" : "contacts.addTitle");
  $("contact-name").value = contact?.name || "";
  $("contact-number").value = formatForDisplay(contact?.phone_number || number);
  $("contact-number").placeholder = t("contacts.numberPlaceholder");
  $("contact-delete").hidden = !contact;
  $("contact-error").textContent = "";
  for (const id of ["contact-name", "contact-number"]) markInvalid($(id), false);
  $("contact-dialog").showModal();
  $("contact-name").focus();
}

const closeForm = () => $("contact-dialog").close();

async function done(words, name) {
  closeForm();
  view.say(t(words, { name }), "ok");
  await loadContacts();
  view.changed(); // history shows the name (or no longer)
}

function refused(error) {
  $("contact-error").textContent = errorText(error.type, error.retryAfter);
  if (error.type === "contact_already_exists") markInvalid($("contact-number"), true);
}

async function save(event) {
  event.preventDefault();
  const name = $("contact-name").value.trim();
  const number = toE164($("contact-number").value);
  markInvalid($("contact-name"), !name);
  markInvalid($("contact-number"), !number);
  if (!name || !number) {
    $("contact-error").textContent = t(name ? "contacts.numberBad" : "contacts.nameMissing");
    return;
  }
  const { editing } = view;
  try {
    if (!editing) await view.api.addContact(name, number);
    else if (Object.keys(changes(editing, name, number)).length)
      await view.api.updateContact(editing.contact_id, changes(editing, name, number));
    await done("contacts.saved", name);
  } catch (error) {
    refused(error);
  }
}

async function remove() {
  const { editing } = view;
  try {
    await view.api.deleteContact(editing.contact_id);
    await done("contacts.deleted", editing.name);
  } catch (error) {
    refused(error);
  }
}

export function setupContacts(api, say, changed) {
  Object.assign(view, { api, say, changed });
  $("contact-form").addEventListener("submit", save);
  $("contact-form").addEventListener("input", () => {
    $("contact-error").textContent = ""; // the complaint goes with the fix, as the red border does
  });
  $("contact-cancel").addEventListener("click", closeForm);
  $("contact-delete").addEventListener("click", remove);
  $("contacts-new").addEventListener("click", () => openForm({}));
  document.addEventListener("softphone:add-contact", (event) => openForm({ number: event.detail?.number || "" }));
}
