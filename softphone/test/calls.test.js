// The call table (src/calls.js): every path a call takes on the page, and the late events it must ignore.
import assert from "node:assert/strict";
import { test } from "node:test";
import { endReason, EVENTS, LABEL, LIVE, next, serverEvent, TABLE } from "../src/calls.js";

const run = (events, from = "idle") => events.reduce((state, event) => next(state, event) ?? state, from);

test("every transition names a known event and a known state, and every state has words", () => {
  for (const [state, events] of Object.entries(TABLE)) {
    assert.ok(state in LABEL, state);
    for (const [event, target] of Object.entries(events)) {
      assert.ok(event in EVENTS, `${state}: ${event}`);
      assert.ok(target in TABLE, `${state} → ${target}`);
    }
  }
});

test("a call the server answers, then the person hangs up", () => {
  assert.equal(run(["dial", "created", "ringing", "answered"]), "active");
  assert.equal(run(["dial", "created", "ringing", "answered", "hangup"]), "ending");
  assert.equal(run(["dial", "created", "answered", "hangup", "terminated"]), "ended");
});

test("a refused initiate goes back to idle, with no call to end", () => {
  assert.equal(run(["dial", "refused"]), "idle");
  assert.equal(next("idle", "final"), null);
});

test("hang up before initiate answered: the call is ended as soon as it exists", () => {
  assert.equal(run(["dial", "hangup"]), "cancelling");
  assert.equal(run(["dial", "hangup", "created"]), "ending");
  assert.equal(run(["dial", "hangup", "refused"]), "idle");
  assert.equal(next("cancelling", "answered"), null);
});

test("the engine sees the end: the page checks the server, then ends it itself", () => {
  assert.equal(run(["dial", "created", "answered", "lost"]), "checking");
  assert.equal(run(["dial", "created", "answered", "lost", "final"]), "ended");
  assert.equal(run(["dial", "created", "answered", "lost", "unconfirmed"]), "ending");
  assert.equal(run(["dial", "created", "lost", "hangup"]), "ending");
});

test("late reports never bring an ending or ended call back to ringing or talking", () => {
  for (const state of ["checking", "ending", "ended"]) {
    for (const event of ["ringing", "answered", "created", "lost"])
      assert.equal(next(state, event), null, `${state} ${event}`);
  }
  assert.equal(next("active", "ringing"), null); // a slow poll's "ringing" after the answer
});

test("the server can end the call from every state that follows one", () => {
  for (const state of LIVE) assert.equal(next(state, "final"), "ended", state);
});

test("after a call, the next one starts from ended", () => {
  assert.equal(next("ended", "dial"), "placing");
  assert.equal(next("active", "dial"), null); // one call at a time
});

test("the reason told: the page's own when it ended the call, else the server's", () => {
  const hungUp = { status: "completed", end_reason: "caller_hung_up" };
  assert.equal(endReason("ending", hungUp, "connection_failed"), "connection_failed");
  assert.equal(endReason("active", hungUp, ""), "caller_hung_up");
  assert.equal(endReason("active", { status: "no-answer", end_reason: null }, ""), "no_answer");
  assert.equal(
    endReason("checking", { status: "completed", end_reason: "callee_hung_up" }, "remote_hung_up"),
    "callee_hung_up",
  );
});

test("server statuses map to events", () => {
  assert.equal(serverEvent({ status: "ringing" }), "ringing");
  assert.equal(serverEvent({ status: "active" }), "answered");
  assert.equal(serverEvent({ status: "busy" }), "final");
  assert.equal(serverEvent({ status: "connecting" }), null);
});
