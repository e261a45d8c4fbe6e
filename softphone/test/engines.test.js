// Both engines implement the one interface written down in src/engines/engine.js.
import assert from "node:assert/strict";
import { test } from "node:test";
import { createEngine as browser } from "../src/engines/browser.js";
import { checked, hasWebRtc, METHODS } from "../src/engines/engine.js";
import { createEngine as twilio } from "../src/engines/twilio.js";

test("each engine has every method of the interface", () => {
  for (const create of [browser, twilio]) checked(create({ api: {}, emit: () => {} }));
  assert.throws(() => checked({ start() {} }), new RegExp(METHODS.slice(0, 1).join("|")));
});

test("a browser without RTCPeerConnection cannot carry calls, whichever engine", () => {
  assert.equal(hasWebRtc({}), false);
  assert.equal(hasWebRtc({ RTCPeerConnection: class {} }), true);
  for (const create of [browser, twilio]) assert.equal(create({ api: {}, emit: () => {} }).supported(), false);
});
