// The call screen's words (issue 22): who is called, the controls, the dial pad, and what a page that shows a
// call without its sound says.
export const callscreenWords = {
  en: {
    "callscreen.unmute": "Unmute",
    "callscreen.speaker": "Speaker",
    "callscreen.save": "Save contact",
    "callscreen.dialPad": "Dial pad",
    "callscreen.erase": "Delete the last digit",
    "callscreen.hideKeypad": "Hide keypad",
    "callscreen.detachedReload":
      "The page was reloaded, so this call's sound could not be brought back here. You can still hang up.",
    "callscreen.detachedTab": "This call's sound plays in another tab. You can hang it up from here.",
    "callscreen.keys": "During a call: digits, * and # send tones; Esc hangs up.",
  },
  ru: {
    "callscreen.unmute": "Включить микрофон",
    "callscreen.speaker": "Динамик",
    "callscreen.save": "Сохранить контакт",
    "callscreen.dialPad": "Номеронабиратель",
    "callscreen.erase": "Стереть последнюю цифру",
    "callscreen.hideKeypad": "Скрыть клавиатуру",
    "callscreen.detachedReload":
      "Страница была перезагружена, поэтому звук этого звонка сюда не вернуть. Завершить звонок можно.",
    "callscreen.detachedTab": "Звук этого звонка — в другой вкладке. Завершить его можно и отсюда.",
    "callscreen.keys": "Во время звонка цифры, * и # отправляют тоны; Esc завершает звонок.",
  },
};
