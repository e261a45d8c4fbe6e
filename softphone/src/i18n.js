// Every word the page shows, in English and Russian. API error types, engine codes, call statuses and end
// reasons map to plain sentences here and nowhere else: nothing raw from the server reaches the screen.

import { PARTS } from "./words/index.js";

const en = {
  title: "Softphone",
  language: "Language",
  "signin.title": "Sign in",
  "signin.submit": "Sign in",
  "signin.switch": "No account yet? Create one",
  "signup.title": "Create an account",
  "signup.submit": "Create account",
  "signup.switch": "Already have an account? Sign in",
  "signup.done":
    "Your account is ready. Sign in with the same email and password. We have emailed you a link to confirm the address.",
  "signup.passwordHint": "At least 8 characters.",
  email: "Email",
  password: "Password",
  signout: "Sign out",
  signedInAs: "Signed in as {email}",
  "dial.title": "Call",
  country: "Country",
  countryHint: "Type a country's name (USA, UK, Germany), its code (DE) or its dialling code (+49).",
  countryUnknown: "Pick a country from the list.",
  number: "Phone number",
  numberHint: "Type the number without the country code.",
  numberHighCost: "Premium-rate and shared-cost numbers cannot be called from here.",
  numberInvalid: "This number is not complete or not valid for {country}.",
  numberValid: "Ready to call {number}.",
  call: "Call",
  hangup: "Hang up",
  mute: "Mute",
  keypad: "Keypad",
  keypadUnavailable: "This connection cannot send keypad tones.",
  timer: "Call time",
  status: "Call status",
  "status.idle": "Ready",
  "status.connecting": "Connecting…",
  "status.ringing": "Ringing…",
  "status.active": "Talking",
  "status.ended": "Call ended: {reason}",
  "mic.title": "Microphone and speaker check",
  "mic.open": "Check microphone and speaker",
  "mic.intro": "Before your first call, check that the browser can hear you and that you can hear it.",
  "mic.permission": "Microphone access: {state}",
  "perm.granted": "allowed",
  "perm.denied": "blocked",
  "perm.prompt": "not asked yet",
  "perm.unknown": "unknown",
  "mic.start": "Start the check",
  "mic.level": "Input level",
  "mic.input": "Microphone",
  "mic.output": "Speaker",
  "mic.default": "Browser default",
  "mic.test": "Play a test sound",
  "mic.speak": "Speak: the level bar should move.",
  "mic.ok": "Your microphone works. You can call now.",
  "mic.deniedHelp":
    "The browser blocked the microphone. Click the lock or camera icon next to the address, allow the microphone for this site, then reload the page.",
  "mic.missingHelp": "No microphone was found. Plug one in (or turn it on), then start the check again.",
  "mic.outputUnsupported": "This browser plays sound on its default speaker only.",
  "mic.chooseOutput": "Choose a speaker",
  unsupported:
    "This browser cannot place calls: it has no WebRTC. Calls work in current Chrome, Edge, Firefox and Safari.",
  "mic.close": "Done",
  "history.title": "Recent calls",
  "history.filter": "Show",
  "history.all": "All calls",
  "history.date": "Date and time",
  "history.number": "Number",
  "history.duration": "Duration",
  "history.result": "Result",
  "history.redial": "Call again {number}",
  "history.redialShort": "Call again",
  "history.empty": "No calls yet.",
  "history.prev": "Newer",
  "history.next": "Older",
  "history.page": "Page {page}",
  sessionExpired: "Your session has ended. Please sign in again.",
  retryWhen: "You can try again {when}.",
  signedOut: "You are signed out.",
  "state.connecting": "Connecting",
  "state.ringing": "Ringing",
  "state.active": "Talking",
  "state.completed": "Completed",
  "state.failed": "Failed",
  "state.busy": "Busy",
  "state.no-answer": "No answer",
  "state.canceled": "Cancelled",
  "reason.caller_hung_up": "you hung up",
  "reason.callee_hung_up": "the other person hung up",
  "reason.remote_hung_up": "the other person hung up",
  "reason.busy": "the line was busy",
  "reason.no_answer": "nobody answered",
  "reason.failed": "the call could not be connected",
  "reason.connection_failed": "the connection was lost",
  "reason.connection_lost": "the connection was lost",
  "reason.timeout": "it took too long to connect",
  "reason.canceled": "it was cancelled",
  "reason.browser_not_answered": "this browser did not pick up the call in time",
  "reason.page_gone": "the page was closed",
  "reason.mic_missing": "no microphone was found",
  "reason.mic_denied": "the microphone was blocked",
  "warning.network": "The connection is unstable: the other person may hear you badly.",
  "reason.unknown": "no reason was given",
  error: {
    validation_error: "Something you entered is not accepted. Check it and try again.",
    unauthorized: "Your session has ended. Please sign in again.",
    invalid_credentials: "The email or the password is wrong.",
    user_already_exists: "An account with this email already exists. Sign in instead.",
    call_not_found: "This call was not found.",
    call_termination_failed: "The call could not be ended. Try hanging up again.",
    call_answer_failed: "The call could not be connected to this browser.",
    call_initiation_failed: "The call could not be placed. Try again in a moment.",
    call_already_ended: "This call has already ended.",
    call_already_answered: "This call is already connected.",
    not_found: "That was not found.",
    method_not_allowed: "The page asked for something the service does not offer. Reload the page.",
    internal_error: "Something went wrong on our side. Try again in a moment.",
    service_unavailable: "The service is unavailable right now. Try again in a minute.",
    payload_too_large: "That is too much data to send.",
    uri_too_long: "That request was too long. Reload the page and try again.",
    headers_too_large: "That request was too large. Reload the page and try again.",
    unsupported_media_type: "The page sent data the service does not understand. Reload the page.",
    forbidden: "You are not allowed to do that.",
    request_in_progress: "The same request is still being handled. Wait a moment.",
    idempotency_key_reused: "That request was already used. Try again.",
    too_many_requests: "Too many attempts.",
    configuration_error: "The service is not set up correctly. Please tell the administrator.",
    destination_not_allowed: "Calls to this number are not allowed.",
    call_in_progress: "You already have a call in progress. Hang it up first.",
    daily_minutes_exceeded: "You have used all of today's calling minutes: 0 minutes left today.",
    voip_not_configured: "Calling is not set up on this service yet.",
    contact_not_found: "This contact was not found. It may have been deleted.",
    contact_already_exists: "You already have a contact with this number: edit that one instead.",
    too_many_contacts: "You have too many contacts. Delete some first.",
    email_not_verified: "Confirm your email first: open the link we sent you.",
    invalid_token: "This link is no longer valid. Ask for a new one.",
    login_code_required: "Enter the code we emailed you to sign in from here.",
    mic_missing: "No microphone was found. Plug one in and try again.",
    mic_denied: "The browser blocked the microphone. Allow it for this site and reload the page.",
    network: "The connection to the service was lost. Check your internet connection.",
    token_expired: "The calling session expired. It is being renewed; try again in a moment.",
    connection_failed: "The call's connection failed. The call was ended.",
    sdk_failed: "Calling could not start in this browser. Reload the page and try again.",
    incoming_rejected: "An unexpected incoming call was declined.",
    unknown: "Something went wrong. Try again.",
  },
};

const ru = {
  title: "Софтфон",
  language: "Язык",
  "signin.title": "Вход",
  "signin.submit": "Войти",
  "signin.switch": "Нет учётной записи? Зарегистрируйтесь",
  "signup.title": "Регистрация",
  "signup.submit": "Зарегистрироваться",
  "signup.switch": "Уже есть учётная запись? Войдите",
  "signup.done":
    "Учётная запись создана. Войдите с тем же адресом и паролем. Мы отправили вам письмо со ссылкой для подтверждения адреса.",
  "signup.passwordHint": "Не меньше 8 символов.",
  email: "Электронная почта",
  password: "Пароль",
  signout: "Выйти",
  signedInAs: "Вы вошли как {email}",
  "dial.title": "Звонок",
  country: "Страна",
  countryHint: "Введите название страны (США, Англия, Германия), её код (RU) или телефонный код (+7).",
  countryUnknown: "Выберите страну из списка.",
  number: "Номер телефона",
  numberHint: "Введите номер без кода страны.",
  numberHighCost: "На платные номера и номера с разделением оплаты отсюда звонить нельзя.",
  numberInvalid: "Номер неполный или неверный для страны «{country}».",
  numberValid: "Можно звонить на {number}.",
  call: "Позвонить",
  hangup: "Завершить",
  mute: "Выключить микрофон",
  keypad: "Клавиатура",
  keypadUnavailable: "Это соединение не умеет отправлять тоновые сигналы.",
  timer: "Длительность звонка",
  status: "Состояние звонка",
  "status.idle": "Готов к звонку",
  "status.connecting": "Соединение…",
  "status.ringing": "Идёт вызов…",
  "status.active": "Разговор",
  "status.ended": "Звонок завершён: {reason}",
  "mic.title": "Проверка микрофона и динамика",
  "mic.open": "Проверить микрофон и динамик",
  "mic.intro": "Перед первым звонком проверьте, что браузер вас слышит, а вы слышите его.",
  "mic.permission": "Доступ к микрофону: {state}",
  "perm.granted": "разрешён",
  "perm.denied": "запрещён",
  "perm.prompt": "ещё не запрошен",
  "perm.unknown": "неизвестно",
  "mic.start": "Начать проверку",
  "mic.level": "Уровень сигнала",
  "mic.input": "Микрофон",
  "mic.output": "Динамик",
  "mic.default": "По умолчанию",
  "mic.test": "Проиграть тестовый звук",
  "mic.speak": "Скажите что-нибудь: полоска уровня должна двигаться.",
  "mic.ok": "Микрофон работает. Можно звонить.",
  "mic.deniedHelp":
    "Браузер запретил доступ к микрофону. Нажмите на значок замка или камеры рядом с адресом, разрешите микрофон для этого сайта и обновите страницу.",
  "mic.missingHelp": "Микрофон не найден. Подключите или включите его и начните проверку снова.",
  "mic.outputUnsupported": "Этот браузер воспроизводит звук только на динамике по умолчанию.",
  "mic.chooseOutput": "Выбрать динамик",
  unsupported:
    "Этот браузер не может звонить: в нём нет WebRTC. Звонки работают в актуальных Chrome, Edge, Firefox и Safari.",
  "mic.close": "Готово",
  "history.title": "Недавние звонки",
  "history.filter": "Показать",
  "history.all": "Все звонки",
  "history.date": "Дата и время",
  "history.number": "Номер",
  "history.duration": "Длительность",
  "history.result": "Итог",
  "history.redial": "Перезвонить {number}",
  "history.redialShort": "Перезвонить",
  "history.empty": "Звонков пока нет.",
  "history.prev": "Новее",
  "history.next": "Старее",
  "history.page": "Страница {page}",
  sessionExpired: "Сеанс завершён. Войдите снова.",
  retryWhen: "Попробовать снова можно {when}.",
  signedOut: "Вы вышли из учётной записи.",
  "state.connecting": "Соединение",
  "state.ringing": "Вызов",
  "state.active": "Разговор",
  "state.completed": "Завершён",
  "state.failed": "Не удался",
  "state.busy": "Занято",
  "state.no-answer": "Нет ответа",
  "state.canceled": "Отменён",
  "reason.caller_hung_up": "вы положили трубку",
  "reason.callee_hung_up": "собеседник положил трубку",
  "reason.remote_hung_up": "собеседник положил трубку",
  "reason.busy": "линия занята",
  "reason.no_answer": "никто не ответил",
  "reason.failed": "звонок не удалось соединить",
  "reason.connection_failed": "соединение прервалось",
  "reason.connection_lost": "соединение прервалось",
  "reason.timeout": "соединение заняло слишком много времени",
  "reason.canceled": "звонок отменён",
  "reason.browser_not_answered": "браузер не принял звонок вовремя",
  "reason.page_gone": "страница была закрыта",
  "reason.mic_missing": "микрофон не найден",
  "reason.mic_denied": "доступ к микрофону запрещён",
  "warning.network": "Связь неустойчива: собеседник может слышать вас плохо.",
  "reason.unknown": "причина не указана",
  error: {
    validation_error: "Введённые данные не приняты. Проверьте их и попробуйте снова.",
    unauthorized: "Сеанс завершён. Войдите снова.",
    invalid_credentials: "Неверный адрес электронной почты или пароль.",
    user_already_exists: "Учётная запись с этим адресом уже есть. Войдите в неё.",
    call_not_found: "Звонок не найден.",
    call_termination_failed: "Не удалось завершить звонок. Попробуйте ещё раз.",
    call_answer_failed: "Не удалось подключить звонок к этому браузеру.",
    call_initiation_failed: "Не удалось позвонить. Попробуйте чуть позже.",
    call_already_ended: "Этот звонок уже завершён.",
    call_already_answered: "Этот звонок уже соединён.",
    not_found: "Ничего не найдено.",
    method_not_allowed: "Страница запросила то, чего сервис не умеет. Обновите страницу.",
    internal_error: "У нас что-то сломалось. Попробуйте чуть позже.",
    service_unavailable: "Сервис сейчас недоступен. Попробуйте через минуту.",
    payload_too_large: "Слишком много данных для отправки.",
    uri_too_long: "Слишком длинный запрос. Обновите страницу и попробуйте ещё раз.",
    headers_too_large: "Слишком большой запрос. Обновите страницу и попробуйте ещё раз.",
    unsupported_media_type: "Страница отправила данные, которые сервис не понимает. Обновите страницу.",
    forbidden: "Это действие вам недоступно.",
    request_in_progress: "Такой же запрос ещё выполняется. Подождите немного.",
    idempotency_key_reused: "Этот запрос уже был использован. Попробуйте снова.",
    too_many_requests: "Слишком много попыток.",
    configuration_error: "Сервис настроен неверно. Сообщите администратору.",
    destination_not_allowed: "Звонки на этот номер запрещены.",
    call_in_progress: "У вас уже идёт звонок. Сначала завершите его.",
    daily_minutes_exceeded: "Минуты для звонков на сегодня закончились: сегодня осталось 0 минут.",
    voip_not_configured: "Звонки в этом сервисе ещё не настроены.",
    contact_not_found: "Контакт не найден. Возможно, его удалили.",
    contact_already_exists: "Контакт с этим номером у вас уже есть: измените его.",
    too_many_contacts: "Слишком много контактов. Сначала удалите лишние.",
    email_not_verified: "Сначала подтвердите почту: откройте ссылку из письма.",
    invalid_token: "Эта ссылка больше не действует. Запросите новую.",
    login_code_required: "Введите код из письма, чтобы войти с этого устройства.",
    mic_missing: "Микрофон не найден. Подключите его и попробуйте снова.",
    mic_denied: "Браузер запретил доступ к микрофону. Разрешите его для этого сайта и обновите страницу.",
    network: "Связь с сервисом потеряна. Проверьте подключение к интернету.",
    token_expired: "Сеанс звонков истёк и обновляется; попробуйте через несколько секунд.",
    connection_failed: "Соединение прервалось. Звонок завершён.",
    sdk_failed: "Не удалось запустить звонки в этом браузере. Обновите страницу и попробуйте снова.",
    incoming_rejected: "Неожиданный входящий звонок отклонён.",
    unknown: "Что-то пошло не так. Попробуйте снова.",
  },
};

export const LANGUAGES = { en, ru };
for (const part of PARTS) {
  for (const [code, words] of Object.entries(part)) {
    const { error = {}, ...rest } = words;
    Object.assign(LANGUAGES[code], rest);
    Object.assign(LANGUAGES[code].error, error);
  }
}
const STORE_KEY = "softphone.lang";
let current = pickLanguage();

function pickLanguage() {
  const saved = globalThis.localStorage?.getItem(STORE_KEY);
  if (saved && LANGUAGES[saved]) return saved;
  const browser = globalThis.navigator;
  const preferred = (browser?.languages || [browser?.language || "en"]).map((l) => String(l).slice(0, 2));
  return preferred.find((l) => LANGUAGES[l]) || "en";
}

export const lang = () => current;

export function setLang(code) {
  current = LANGUAGES[code] ? code : "en";
  localStorage.setItem(STORE_KEY, current);
  document.documentElement.lang = current;
}

/** The text for `key` in the current language with {placeholders} filled in. */
export function t(key, vars = {}) {
  const text = LANGUAGES[current][key] ?? LANGUAGES.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => vars[name] ?? "");
}

/** A plain sentence for an API error type or an engine code; never the code itself. With the API's
 * Retry-After (seconds), it also says when to try again, in the person's language ("in 52 minutes"). */
export function errorText(code, retryAfter = 0) {
  const table = LANGUAGES[current].error;
  const text = table[code] || table.unknown;
  return retryAfter > 0 ? `${text} ${t("retryWhen", { when: retryWhen(retryAfter) })}` : text;
}

function retryWhen(seconds) {
  const when = new Intl.RelativeTimeFormat(current, { numeric: "always" });
  if (seconds < 90) return when.format(Math.ceil(seconds), "second");
  if (seconds < 5400) return when.format(Math.ceil(seconds / 60), "minute");
  return when.format(Math.ceil(seconds / 3600), "hour");
}

export function reasonText(reason) {
  return t(`reason.${reason}`) === `reason.${reason}` ? t("reason.unknown") : t(`reason.${reason}`);
}

/** Fills every [data-t] (text), [data-t-label] (aria-label) and [data-t-placeholder] under `root`. */
export function translate(root = document) {
  document.documentElement.lang = current;
  document.title = t("title");
  for (const el of root.querySelectorAll("[data-t]")) el.textContent = t(el.dataset.t);
  for (const el of root.querySelectorAll("[data-t-label]")) el.setAttribute("aria-label", t(el.dataset.tLabel));
}
