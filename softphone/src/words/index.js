// Each feature's words live in a file of their own beside this one ({ en, ru }, with an optional `error`
// table), so that features grow their words without touching one shared table. i18n.js merges them.
import { lookWords } from "./look.js";

export const PARTS = [lookWords];
