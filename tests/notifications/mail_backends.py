"""E-mail backends that behave like a failing SMTP server, for the sending tests."""

import smtplib

from django.core.mail.backends.locmem import EmailBackend as LocmemBackend


class RefusingBackend(LocmemBackend):
    """The SMTP server hangs up on every sending."""

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class RefusingOnceBackend(LocmemBackend):
    """The SMTP server refuses the first sending of the test and takes the ones after it."""

    refused = 0

    def send_messages(self, messages):
        if RefusingOnceBackend.refused == 0:
            RefusingOnceBackend.refused += 1
            raise ConnectionRefusedError(111, "Connection refused")
        return super().send_messages(messages)


class BrokenBackend(LocmemBackend):
    """A fault that is not the network's (a bug, a bad template): it must not leave the row 'sending'."""

    def send_messages(self, messages):
        raise ValueError("not an SMTP error")
