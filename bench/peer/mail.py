"""The peer's e-mail backend: each message is built to its MIME form (what an SMTP backend
does before it connects), then dropped. Nothing leaves the machine and nothing is kept in
memory, unlike the locmem backend's outbox, which grows for the whole run."""

from django.core.mail.backends.base import BaseEmailBackend


class BuiltNotSent(BaseEmailBackend):
    def send_messages(self, email_messages):
        for message in email_messages:
            message.message().as_bytes()
        return len(email_messages)
