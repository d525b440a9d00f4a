"""E-mail leaves the request.

``EMAIL_BACKEND`` is :class:`TaskEmailBackend`: Django's mail functions (and
Wagtail's notifications) hand it their messages, and it turns each one into
plain JSON for the :func:`deliver_email` task, which rebuilds the message and
sends it with the real back end, ``EMAIL_DELIVERY_BACKEND`` (SMTP, files,
console: see ``cms/settings/email_url.py``). With the immediate task back end
the message goes out at once; with the database back end a worker sends it,
so a slow or absent mail server never holds up an editor's click, and a
failed delivery is a failed task to retry rather than a 500.

A message whose attachments are too large for the task queue (or are
ready-made MIME parts) is sent at once through the delivery back end, as
Django would have done.
"""

import base64
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django_tasks import task

logger = logging.getLogger(__name__)

# Attachments up to this size in total travel in the task's arguments.
QUEUED_ATTACHMENTS_MAX_BYTES = 2 * 1024 * 1024


def _pack(content):
    if isinstance(content, bytes):
        return {"base64": base64.b64encode(content).decode("ascii")}
    return {"text": content}


def _unpack(packed):
    if "base64" in packed:
        return base64.b64decode(packed["base64"])
    return packed["text"]


def _size(content):
    return len(content) if isinstance(content, bytes) else len(content.encode())


def queueable(message):
    """Whether ``message`` can travel as JSON: attachments are (name, content,
    type) triples, small enough in total."""
    total = 0
    for attachment in message.attachments:
        if not isinstance(attachment, tuple):
            return False
        total += _size(attachment[1])
    return total <= QUEUED_ATTACHMENTS_MAX_BYTES


def message_to_json(message):
    """A JSON-ready dict holding everything the recipient will see."""
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": str(message.from_email),
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": {str(name): str(value) for name, value in message.extra_headers.items()},
        "content_subtype": message.content_subtype,
        "encoding": message.encoding,
        "alternatives": [
            [_pack(content), mimetype]
            for content, mimetype in getattr(message, "alternatives", [])
        ],
        "attachments": [
            [filename, _pack(content), mimetype]
            for filename, content, mimetype in message.attachments
        ],
    }


def message_from_json(data):
    """The message :func:`message_to_json` described, ready to send."""
    message = EmailMultiAlternatives(
        subject=data["subject"],
        body=data["body"],
        from_email=data["from_email"],
        to=data["to"],
        cc=data["cc"],
        bcc=data["bcc"],
        reply_to=data["reply_to"],
        headers=data["headers"],
    )
    message.content_subtype = data["content_subtype"]
    message.encoding = data["encoding"]
    for content, mimetype in data["alternatives"]:
        message.attach_alternative(_unpack(content), mimetype)
    for filename, content, mimetype in data["attachments"]:
        message.attach(filename, _unpack(content), mimetype)
    return message


def delivery_connection():
    """A connection to the real back end (``EMAIL_DELIVERY_BACKEND``)."""
    return get_connection(settings.EMAIL_DELIVERY_BACKEND, fail_silently=False)


@task()
def deliver_email(message):
    """Send one message described by :func:`message_to_json`. A failure
    (mail server down, refused address) fails the task, to be run again."""
    return delivery_connection().send_messages([message_from_json(message)])


class TaskEmailBackend(BaseEmailBackend):
    """Hands each message to :func:`deliver_email` instead of sending it."""

    def send_messages(self, email_messages):
        queued = 0
        for message in email_messages:
            if not message.recipients():
                continue
            try:
                self._send(message)
            except Exception:
                if not self.fail_silently:
                    raise
                logger.exception("E-mail %r could not be queued", message.subject)
            else:
                queued += 1
        return queued

    def _send(self, message):
        if queueable(message):
            deliver_email.enqueue(message_to_json(message))
        else:
            logger.info("E-mail %r has large attachments: sent at once", message.subject)
            delivery_connection().send_messages([message])
