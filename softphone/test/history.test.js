// History paging (src/history.js): the API's keyset cursors, page by page, back and forth.
import assert from "node:assert/strict";
import { test } from "node:test";
import { clock, createPager } from "../src/history.js";

test("page 0 starts without a cursor; each page is asked for with the cursor the one before answered", () => {
  const pager = createPager();
  assert.equal(pager.cursorFor(0), null);
  pager.loaded(0, "c1");
  assert.deepEqual([pager.page, pager.hasPrev, pager.hasNext], [0, false, true]);
  assert.equal(pager.cursorFor(1), "c1");
  pager.loaded(1, "c2");
  assert.equal(pager.cursorFor(2), "c2");
  pager.loaded(2, null);
  assert.deepEqual([pager.page, pager.hasPrev, pager.hasNext], [2, true, false]);
  assert.equal(pager.cursorFor(1), "c1"); // back one page: the same cursor as before
});

test("a page past the last one is not reachable", () => {
  const pager = createPager();
  pager.loaded(0, null);
  assert.equal(pager.cursorFor(1), undefined);
});

test("going back to page 0 (a new filter, a finished call) forgets the old cursors", () => {
  const pager = createPager();
  pager.loaded(0, "c1");
  pager.loaded(1, "c2");
  assert.equal(pager.cursorFor(0), null);
  assert.equal(pager.cursorFor(2), undefined);
});

test("durations read m:ss, and h:mm:ss past an hour", () => {
  assert.equal(clock(0), "0:00");
  assert.equal(clock(74.9), "1:14");
  assert.equal(clock(3600 + 61), "1:01:01");
  assert.equal(clock(-3), "0:00");
});
