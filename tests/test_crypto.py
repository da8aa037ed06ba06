"""Tests for optional encryption at rest: round trips, legacy plain rows, key rotation."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from bot.crypto import (
    ENCRYPTED_PREFIX,
    CipherError,
    FernetCipher,
    NoCipher,
    TextCipher,
    cipher_from_setting,
    generate_key,
)

TEXTS = [
    "",
    "I said no to my sister today and the sky did not fall.",
    "Ünïcödé, emoji 🌱 and\nnew lines\tand tabs",
    "fernet:this is what I typed, not a token",
    "plain:also typed by a person",
    "x" * 4096,
]


@pytest.mark.parametrize("text", TEXTS)
def test_fernet_round_trip_hides_the_text(text: str) -> None:
    """Encrypted values carry the prefix, do not contain the words, and decrypt back."""
    cipher = FernetCipher([generate_key()])
    stored = cipher.encrypt(text)
    assert stored.startswith(ENCRYPTED_PREFIX)
    if len(text) > 3:
        assert text not in stored
    assert cipher.decrypt(stored) == text


@pytest.mark.parametrize("text", TEXTS)
def test_no_cipher_round_trip(text: str) -> None:
    """Without keys text is kept readable, and text that looks like a token stays text."""
    cipher = NoCipher()
    stored = cipher.encrypt(text)
    assert cipher.decrypt(stored) == text
    assert not stored.startswith(ENCRYPTED_PREFIX)


@pytest.mark.parametrize("text", ["an answer from before encryption", "", "🌱"])
def test_plain_legacy_rows_still_read(text: str) -> None:
    """Rows written before a key was configured read back unchanged."""
    assert FernetCipher([generate_key()]).decrypt(text) == text


def test_plain_text_written_without_keys_reads_after_keys_are_added() -> None:
    """Switching encryption on later keeps every earlier row readable, escaped ones too."""
    before = [NoCipher().encrypt(text) for text in TEXTS]
    after = FernetCipher([generate_key()])
    assert [after.decrypt(stored) for stored in before] == TEXTS


def test_each_encryption_is_different() -> None:
    """Fernet uses a fresh IV and timestamp: equal answers do not look equal at rest."""
    cipher = FernetCipher([generate_key()])
    assert cipher.encrypt("same words") != cipher.encrypt("same words")


def test_rotation_old_key_still_decrypts_and_rotate_moves_to_new_key() -> None:
    """New key first, old key after: old rows read, rotate re-encrypts with the new key."""
    old_key, new_key = generate_key(), generate_key()
    old_cipher = FernetCipher([old_key])
    stored_old = old_cipher.encrypt("written under the old key")

    both = FernetCipher([new_key, old_key])
    assert both.decrypt(stored_old) == "written under the old key"
    rotated = both.rotate(stored_old)
    assert rotated.startswith(ENCRYPTED_PREFIX)
    assert rotated != stored_old

    only_new = FernetCipher([new_key])
    assert only_new.decrypt(rotated) == "written under the old key"
    with pytest.raises(CipherError):
        only_new.decrypt(stored_old)


def test_rotate_encrypts_plain_legacy_rows() -> None:
    """Rotation is also how existing plain rows get encrypted."""
    cipher = FernetCipher([generate_key()])
    rotated = cipher.rotate("an old plain answer")
    assert rotated.startswith(ENCRYPTED_PREFIX)
    assert cipher.decrypt(rotated) == "an old plain answer"
    escaped = NoCipher().encrypt("fernet:typed by hand")
    assert cipher.decrypt(cipher.rotate(escaped)) == "fernet:typed by hand"


def test_first_key_encrypts() -> None:
    """What the cipher writes is readable with the first key alone."""
    first, second = generate_key(), generate_key()
    stored = FernetCipher([first, second]).encrypt("hello")
    assert FernetCipher([first]).decrypt(stored) == "hello"
    with pytest.raises(CipherError):
        FernetCipher([second]).decrypt(stored)


@pytest.mark.parametrize(
    "stored",
    [
        "fernet:not-a-token",
        "fernet:",
        "fernet:gAAAAAB" + "A" * 80,
        "fernet:ünicode",
    ],
)
def test_tampered_or_foreign_values_raise_cipher_error(stored: str) -> None:
    """A value that is not a valid token for our keys is refused, not returned as garbage."""
    cipher = FernetCipher([generate_key()])
    with pytest.raises(CipherError):
        cipher.decrypt(stored)
    with pytest.raises(CipherError):
        cipher.rotate(stored)


def test_tampering_with_a_real_token_is_detected() -> None:
    """Flipping one character of a real token fails the HMAC check."""
    cipher = FernetCipher([generate_key()])
    stored = cipher.encrypt("my words")
    middle = len(stored) // 2
    flipped = stored[:middle] + ("A" if stored[middle] != "A" else "B") + stored[middle + 1 :]
    with pytest.raises(CipherError):
        cipher.decrypt(flipped)


def test_no_cipher_refuses_encrypted_values() -> None:
    """Removing the keys while encrypted rows exist is an error, never a silent token leak."""
    stored = FernetCipher([generate_key()]).encrypt("secret")
    with pytest.raises(CipherError, match="ENCRYPTION_KEYS"):
        NoCipher().decrypt(stored)


@pytest.mark.parametrize(
    "bad", ["short", "not base64 at all!!", "é" * 44, Fernet.generate_key().decode()[:-2]]
)
def test_invalid_keys_are_named_by_position_never_echoed(bad: str) -> None:
    """A malformed key is reported by its position in ENCRYPTION_KEYS, and never printed."""
    with pytest.raises(ValueError, match=r"ENCRYPTION_KEYS: key 2 ") as info:
        FernetCipher([generate_key(), bad])
    assert bad not in str(info.value)


def test_empty_key_list_is_refused() -> None:
    """A FernetCipher without keys could not encrypt anything."""
    with pytest.raises(ValueError, match="at least one key"):
        FernetCipher([])


@pytest.mark.parametrize(("raw", "encrypts"), [(None, False), ("", False), (" , ", False)])
def test_cipher_from_an_empty_setting_stores_plain_text(raw: str | None, encrypts: bool) -> None:
    """No keys configured means no encryption."""
    cipher = cipher_from_setting(raw)
    assert isinstance(cipher, NoCipher)
    assert cipher.encrypts is encrypts


def test_cipher_from_setting_reads_comma_separated_keys_newest_first() -> None:
    """`new, old` in the setting: encrypt with new, decrypt both."""
    new, old = generate_key(), generate_key()
    legacy = FernetCipher([old]).encrypt("old row")
    cipher = cipher_from_setting(f" {new} ,{old}, ")
    assert isinstance(cipher, TextCipher)
    assert cipher.encrypts
    assert cipher.decrypt(legacy) == "old row"
    assert FernetCipher([new]).decrypt(cipher.encrypt("new row")) == "new row"
