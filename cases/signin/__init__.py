"""Signing in (issue 12, part 4): the password with lockout, the second factor, the session's lifetime, and
sign-in through the municipality's identity provider.

- `backends.py`: the local password (never for an integration account) and the OIDC backend.
- `sessions.py`: what the session records about the sign-in, and ending a user's sessions.
- `two_factor.py`: enrolling a TOTP app, recovery codes, checking a code.
- `middleware.py`: idle and absolute timeouts; no page without the second factor.
- `views.py`: the pages of the sign-in.
"""
