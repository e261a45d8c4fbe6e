// Each feature's words live in a file of their own beside this one ({ en, ru }, with an optional `error`
// table), so that features grow their words without touching one shared table. i18n.js merges them.
import { accountWords } from "./account.js";
import { callscreenWords } from "./callscreen.js";
import { lookWords } from "./look.js";
import { namesWords } from "./names.js";

export const PARTS = [callscreenWords, accountWords, namesWords, lookWords];
