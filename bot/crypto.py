"""Optional encryption at rest for the free text people write, with Fernet and key rotation.

Values are stored with a prefix that says how to read them: `fernet:<token>` is encrypted,
anything else is plain text (rows written before encryption was switched on keep working).
`cryptography`'s Fernet is AES-128-CBC with an HMAC-SHA256, so a tampered or foreign value is
refused instead of decrypted into garbage. `MultiFernet` encrypts with the first key and tries
every key to decrypt, which is what makes rotation possible without downtime:

1. put a new key first in `ENCRYPTION_KEYS` and keep the old ones after it, restart;
2. re-encrypt stored values with the first key (`TextCipher.rotate`), e.g. a maintenance
   command run once;
3. remove the old keys, restart.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

ENCRYPTED_PREFIX = "fernet:"
# Plain text that happens to begin like an encrypted value is escaped with this, so it is
# never mistaken for a token (and a person's words can never break decryption).
PLAIN_PREFIX = "plain:"
KEYS_SETTING = "ENCRYPTION_KEYS"


class CipherError(Exception):
    """A stored value cannot be decrypted with the configured keys."""


@runtime_checkable
class TextCipher(Protocol):
    """Turns text into its stored form and back; storage calls this on every free-text field."""

    def encrypt(self, text: str) -> str:
        """The stored form of `text`."""
        ...

    def decrypt(self, stored: str) -> str:
        """The original text of a stored value (plain legacy values come back unchanged)."""
        ...

    def rotate(self, stored: str) -> str:
        """The stored value re-written in the current preferred form."""
        ...

    @property
    def encrypts(self) -> bool:
        """Whether new values are stored encrypted."""
        ...


def _escape_plain(text: str) -> str:
    """Plain text, escaped only when it could be mistaken for a prefixed value."""
    if text.startswith((ENCRYPTED_PREFIX, PLAIN_PREFIX)):
        return PLAIN_PREFIX + text
    return text


def _unescape_plain(stored: str) -> str:
    """The inverse of `_escape_plain`."""
    return stored[len(PLAIN_PREFIX) :] if stored.startswith(PLAIN_PREFIX) else stored


class NoCipher:
    """Stores text as it is: the default when no encryption key is configured."""

    encrypts = False

    def encrypt(self, text: str) -> str:
        """The text itself (escaped if it looks like a prefixed value)."""
        return _escape_plain(text)

    def decrypt(self, stored: str) -> str:
        """The text; an encrypted value without keys is an error, never returned as is."""
        if stored.startswith(ENCRYPTED_PREFIX):
            raise CipherError(
                f"an encrypted value was found but {KEYS_SETTING} is not set; "
                "configure the key it was written with"
            )
        return _unescape_plain(stored)

    def rotate(self, stored: str) -> str:
        """Unchanged: without keys there is nothing to rotate to."""
        self.decrypt(stored)  # still refuse encrypted values we could not read back
        return stored


class FernetCipher:
    """Encrypts with the first key; decrypts with any key, so old keys keep working."""

    encrypts = True

    def __init__(self, keys: list[str]) -> None:
        """Build from url-safe base64 Fernet keys, newest first; raises ValueError if invalid."""
        if not keys:
            raise ValueError(f"{KEYS_SETTING} needs at least one key")
        fernets: list[Fernet] = []
        for position, key in enumerate(keys, start=1):
            try:
                fernets.append(Fernet(key.strip().encode("ascii")))
            except (ValueError, UnicodeEncodeError):
                # Say which key is wrong without ever echoing it.
                raise ValueError(
                    f"{KEYS_SETTING}: key {position} is not a valid Fernet key "
                    "(32 url-safe base64-encoded bytes; make one with "
                    "`python -c 'from cryptography.fernet import Fernet; "
                    "print(Fernet.generate_key().decode())'`)"
                ) from None
        self._fernet = MultiFernet(fernets)

    def encrypt(self, text: str) -> str:
        """`fernet:` followed by a token made with the first key."""
        token = self._fernet.encrypt(text.encode("utf-8"))
        return ENCRYPTED_PREFIX + token.decode("ascii")

    def decrypt(self, stored: str) -> str:
        """The text of an encrypted value, or a plain legacy value unchanged."""
        if not stored.startswith(ENCRYPTED_PREFIX):
            return _unescape_plain(stored)
        token = stored[len(ENCRYPTED_PREFIX) :].encode("ascii", errors="replace")
        try:
            return self._fernet.decrypt(token).decode("utf-8")
        except InvalidToken:
            raise CipherError(
                "a stored value could not be decrypted with any configured key "
                f"(was a key removed from {KEYS_SETTING} too early?)"
            ) from None

    def rotate(self, stored: str) -> str:
        """The value encrypted with the first key, whether it was plain or an older token."""
        if not stored.startswith(ENCRYPTED_PREFIX):
            return self.encrypt(_unescape_plain(stored))
        token = stored[len(ENCRYPTED_PREFIX) :].encode("ascii", errors="replace")
        try:
            return ENCRYPTED_PREFIX + self._fernet.rotate(token).decode("ascii")
        except InvalidToken:
            raise CipherError(
                "a stored value could not be decrypted with any configured key"
            ) from None


def cipher_from_setting(raw: str | None) -> TextCipher:
    """The cipher for an `ENCRYPTION_KEYS` value: comma-separated keys, newest first."""
    keys = [key.strip() for key in (raw or "").split(",") if key.strip()]
    return FernetCipher(keys) if keys else NoCipher()


def generate_key() -> str:
    """A fresh Fernet key, for `.env` or for rotation."""
    return Fernet.generate_key().decode("ascii")
