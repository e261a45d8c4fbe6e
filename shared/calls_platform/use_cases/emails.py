"""The emails the account sends, in English and Russian. Each names its one link (or code) once."""
# ruff: noqa: RUF001  (Russian text is meant to be Cyrillic)

from __future__ import annotations

from calls_platform.use_cases.account_ports import Email

_TEXTS: dict[str, dict[str, tuple[str, str]]] = {
    "verify": {
        "en": (
            "Confirm your email address",
            "Open this link within 24 hours to confirm your email address:\n\n{link}\n\n"
            "If you did not sign up, ignore this email.",
        ),
        "ru": (
            "Подтвердите адрес электронной почты",
            "Откройте эту ссылку в течение 24 часов, чтобы подтвердить адрес:\n\n{link}\n\n"
            "Если вы не регистрировались, просто проигнорируйте это письмо.",
        ),
    },
    "reset": {
        "en": (
            "Reset your password",
            "Open this link within 30 minutes to choose a new password:\n\n{link}\n\n"
            "If you did not ask for this, ignore this email: your password stays as it is.",
        ),
        "ru": (
            "Сброс пароля",
            "Откройте эту ссылку в течение 30 минут, чтобы задать новый пароль:\n\n{link}\n\n"
            "Если вы не запрашивали сброс, проигнорируйте письмо: пароль останется прежним.",
        ),
    },
    "changed": {
        "en": (
            "Your password was changed",
            "The password of your account was just changed, and every other session was signed out.\n\n"
            "If this was not you, reset your password at once: {link}",
        ),
        "ru": (
            "Ваш пароль изменён",
            "Пароль вашей учётной записи только что изменён, все другие сеансы завершены.\n\n"
            "Если это были не вы, немедленно сбросьте пароль: {link}",
        ),
    },
    "code": {
        "en": (
            "Your sign-in code",
            "Someone is signing in to your account from a new place after many failed attempts.\n\n"
            "If it is you, enter this code within 10 minutes: {code}\n\n"
            "If it is not you, do not share it, and consider changing your password.",
        ),
        "ru": (
            "Код для входа",
            "Кто-то входит в вашу учётную запись из нового места после многих неудачных попыток.\n\n"
            "Если это вы, введите этот код в течение 10 минут: {code}\n\n"
            "Если это не вы, никому не сообщайте код и смените пароль.",
        ),
    },
}


def _email(kind: str, language: str, to: str, link: str | None = None, code: str = "") -> Email:
    subject, text = _TEXTS[kind].get(language, _TEXTS[kind]["en"])
    return Email(to, subject, text.format(link=link, code=code), link, code or None)


def verification(to: str, language: str, link: str) -> Email:
    return _email("verify", language, to, link)


def password_reset(to: str, language: str, link: str) -> Email:
    return _email("reset", language, to, link)


def password_changed(to: str, language: str, reset_page: str) -> Email:
    return _email("changed", language, to, reset_page)


def login_code(to: str, language: str, code: str) -> Email:
    return _email("code", language, to, None, code)
