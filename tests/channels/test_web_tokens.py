"""Session tokens: only the server can make one, and one proves exactly one session."""

from __future__ import annotations

from bot.channels.web.tokens import SessionTokens, new_session_id

SECRET = b"test-secret-test-secret-test-secret-0123"


def test_a_token_proves_its_own_session() -> None:
    tokens = SessionTokens(SECRET, max_age_seconds=3600)
    session = new_session_id()
    assert tokens.verify(tokens.issue(session)) == session


def test_session_ids_are_random_and_unguessable() -> None:
    ids = {new_session_id() for _ in range(1000)}
    assert len(ids) == 1000
    assert all(len(i) == 22 for i in ids)


def test_another_sessions_id_cannot_be_claimed() -> None:
    tokens = SessionTokens(SECRET, max_age_seconds=3600)
    mine, theirs = new_session_id(), new_session_id()
    token = tokens.issue(mine)
    _, issued, signature = token.split(".")
    assert tokens.verify(f"{theirs}.{issued}.{signature}") is None  # my signature, their id
    assert tokens.verify(theirs) is None  # a bare session id
    assert tokens.verify(f"{theirs}.{issued}.") is None
    assert tokens.verify(token[:-1] + ("A" if token[-1] != "A" else "B")) is None


def test_a_token_from_another_secret_is_refused() -> None:
    session = new_session_id()
    other = SessionTokens(b"another-secret-another-secret-another-x", 3600).issue(session)
    assert SessionTokens(SECRET, 3600).verify(other) is None


def test_old_tokens_expire() -> None:
    tokens = SessionTokens(SECRET, max_age_seconds=3600)
    session = new_session_id()
    token = tokens.issue(session, now=1_000_000)
    assert tokens.verify(token, now=1_000_000 + 3599) == session
    assert tokens.verify(token, now=1_000_000 + 3601) is None
    assert tokens.verify(token, now=1_000_000 - 3600) is None  # issued in the future


def test_junk_is_refused() -> None:
    tokens = SessionTokens(SECRET, 3600)
    for junk in (None, 42, "", "...", "a.b.c", "x" * 500, ["list"], {"token": 1}):
        assert tokens.verify(junk) is None
