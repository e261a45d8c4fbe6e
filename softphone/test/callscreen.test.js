// The call screen's pure logic: keys during a call (keys.js), the tabs' messages (tabs.js), the dial pad's
// edits (dialpad.js needs no DOM for `pressed`), and the call table's "found" (a call from a reload or a tab).
import assert from "node:assert/strict";
import { test } from "node:test";
import { next } from "../src/calls.js";
import { pressed } from "../src/dialpad.js";
import { callKey } from "../src/keys.js";
import { channel, shared } from "../src/tabs.js";

const on = (tagName, extra = {}) => ({ key: "5", target: { tagName }, ...extra });

test("during a call digits, * and # are tones and Esc hangs up, from anywhere but a field or a dialog", () => {
  assert.deepEqual(callKey(on("BUTTON")), { tone: "5" });
  assert.deepEqual(callKey(on("BODY", { key: "#" })), { tone: "#" });
  assert.deepEqual(callKey(on("BODY", { key: "*" })), { tone: "*" });
  assert.deepEqual(callKey(on("BUTTON", { key: "Escape" })), { hangup: true });
  for (const tag of ["INPUT", "TEXTAREA", "SELECT", "input"]) {
    assert.equal(callKey(on(tag)), null, tag);
    assert.equal(callKey(on(tag, { key: "Escape" })), null, tag);
  }
  assert.equal(callKey(on("DIV", { target: { tagName: "DIV", isContentEditable: true } })), null);
  assert.equal(callKey(on("BUTTON", { key: "Escape" }), true), null); // the dialog's Esc closes the dialog
  assert.equal(callKey(on("BUTTON", { ctrlKey: true })), null); // shortcuts stay the browser's
  assert.equal(callKey(on("BUTTON", { repeat: true })), null); // a held key is one tone
  assert.equal(callKey(on("BUTTON", { key: "a" })), null);
  assert.deepEqual(callKey({ key: "5" }), { tone: "5" }); // no target (the document): a tone
});

const call = (id, status = "active") => ({ type: "call", call: { call_id: id, status } });

test("a tab adopts another's live call, applies reports on its own, and never adopts an ended one", () => {
  assert.equal(shared(call("a"), null), "adopt");
  assert.equal(shared(call("a", "ringing"), null), "adopt");
  assert.equal(shared(call("a", "completed"), null), null);
  assert.equal(shared(call("a"), "a"), "apply");
  assert.equal(shared(call("a", "completed"), "a"), "apply");
  assert.equal(shared(call("b"), "a"), null); // one call at a time
  assert.equal(shared({ type: "ended", call_id: "a" }, "a"), "check");
  assert.equal(shared({ type: "ended", call_id: "a" }, null), null);
  assert.equal(shared({ type: "hello" }, "a"), "announce");
  assert.equal(shared({ type: "hello" }, null), null);
  for (const junk of [null, "x", {}, { type: "call" }, { type: "call", call: {} }])
    assert.equal(shared(junk, null), null);
});

test("the channel is a no-op where the browser has no BroadcastChannel", () => {
  const tabs = channel({});
  tabs.post({ type: "hello" });
  tabs.listen(() => assert.fail("no messages without a channel"));
});

test("the dial pad appends digits and erases the last one with what formatting put after it", () => {
  assert.equal(pressed("", "7"), "7");
  assert.equal(pressed("912 345", "6"), "912 3456");
  assert.equal(pressed("912 345-67-89", "erase"), "912 345-67-8");
  assert.equal(pressed("(415) ", "erase"), "(41");
  assert.equal(pressed("", "erase"), "");
});

test("a live call found after a reload or in another tab is shown from idle or after an ended call", () => {
  assert.equal(next("idle", "found"), "connecting");
  assert.equal(next("ended", "found"), "connecting");
  assert.equal(next("active", "found"), null); // a tab with its own call keeps it
  assert.equal(next("placing", "found"), null);
});
