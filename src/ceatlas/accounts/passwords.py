"""Passwords nobody should use: the account's own e-mail address, a common password
(``data/common_passwords.txt``, with its origin), only digits, only spaces or one
character repeated. Each refusal says why in words; ``service.check_password`` runs this
before its strength estimate."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

from ceatlas.accounts.errors import AccountError

# Digits and signs people put around a word to satisfy rules ("Password2024!").
_AROUND = re.compile(r"^[\W\d_]+|[\W\d_]+$")
#: a local part this long is refused anywhere inside the password, not only as all of it
LOCAL_PART_INSIDE = 5


@cache
def common_passwords() -> frozenset[str]:
    """The packaged list, lower case (comment lines left out)."""
    text = resources.files("ceatlas.accounts").joinpath("data/common_passwords.txt").read_text()
    lines = (line.strip().lower() for line in text.splitlines())
    return frozenset(line for line in lines if line and not line.startswith("#"))


def _core(password: str) -> str:
    """The password lower case, without the digits and signs around it."""
    return _AROUND.sub("", password.strip().lower())


def refuse_obvious(password: str, email: str, field: str) -> None:
    """:class:`AccountError` naming ``field`` when ``password`` is one of the passwords
    nobody should use; ``email`` is the account's address."""
    lowered = password.lower()
    if not password.strip():
        raise AccountError("a password of only spaces is too easy to guess", field)
    if password.isdigit():
        raise AccountError(
            "a password of only digits is too easy to guess; use words as well", field
        )
    if len(set(password)) == 1:
        raise AccountError("a password of one character repeated is too easy to guess", field)
    address = email.strip().lower()
    local = address.partition("@")[0]
    core = _core(password)
    if address and (
        address in lowered
        or core in (address, local)
        or (len(local) >= LOCAL_PART_INSIDE and local in lowered)
    ):
        raise AccountError(
            "do not use your e-mail address (or its part before the @) as your password", field
        )
    compact = re.sub(r"[\W_]+", "", core)  # "Massage-Therapy1" -> "massagetherapy"
    if {lowered, core, compact} & common_passwords():
        raise AccountError(
            "this is one of the most common passwords, tried first by anyone guessing; "
            "three or four unrelated words make a strong one",
            field,
        )
