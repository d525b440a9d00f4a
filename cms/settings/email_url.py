"""E-mail delivery read from the environment.

Either one ``EMAIL_URL`` or the separate ``EMAIL_HOST``, ``EMAIL_PORT``,
``EMAIL_HOST_USER``, ``EMAIL_HOST_PASSWORD``, ``EMAIL_USE_TLS``,
``EMAIL_USE_SSL`` and ``EMAIL_TIMEOUT`` variables. ``EMAIL_URL`` wins when
both are set. Addresses it understands:

- ``smtp://user:password@host:587?tls=1``: SMTP, STARTTLS with ``tls=1``
  (port 25 when none is given);
- ``smtps://user:password@host:465``: SMTP over TLS from the first byte
  (port 465 when none is given);
- ``file:///var/spool/cms-mail``: each message written as a file there;
- ``console://``: each message printed on standard output.

User name and password are percent-decoded (``%40`` for ``@``). With nothing
set, mail goes to the SMTP server on localhost port 25, as in Django. A
connection that does not answer is given up after ``EMAIL_TIMEOUT`` seconds
(30 by default; Django would wait for ever) and the task fails.
"""

from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
FILE_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
CONSOLE_BACKEND = "django.core.mail.backends.console.EmailBackend"

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}
# Seconds before an unanswering mail server is given up (Django: no limit).
DEFAULT_TIMEOUT = 30


@dataclass(frozen=True)
class EmailDelivery:
    """How the e-mail task hands messages on (Django's ``EMAIL_*`` settings)."""

    backend: str = SMTP_BACKEND
    host: str = "localhost"
    port: int = 25
    user: str = ""
    password: str = ""
    use_tls: bool = False
    use_ssl: bool = False
    timeout: int = DEFAULT_TIMEOUT
    file_path: str | None = None


def _problem(variable, message):
    return ImproperlyConfigured(f"The environment variable {variable} is invalid: {message}.")


def _flag(variable, value):
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise _problem(variable, f"{value!r} is not a yes/no value (use 1 or 0)")


def _number(variable, value):
    try:
        number = int(value)
    except ValueError:
        raise _problem(variable, f"{value!r} is not a whole number") from None
    if number <= 0:
        raise _problem(variable, f"{value!r} must be above zero")
    return number


def _checked(variable, delivery):
    if delivery.use_tls and delivery.use_ssl:
        raise _problem(variable, "TLS (STARTTLS) and SSL cannot both be on; choose one")
    return delivery


def parse_email_url(url, variable="EMAIL_URL"):
    """The delivery an ``EMAIL_URL`` names; ImproperlyConfigured if it is malformed."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    query = {key: values[-1] for key, values in parse_qs(parts.query, True).items()}
    unknown = set(query) - {"tls", "ssl", "timeout"}
    if unknown:
        raise _problem(
            variable, f"unknown option {sorted(unknown)[0]!r} (known: tls, ssl, timeout)"
        )
    if scheme == "console":
        return EmailDelivery(backend=CONSOLE_BACKEND)
    if scheme == "file":
        if parts.netloc or not parts.path.startswith("/"):
            raise _problem(
                variable, "a file:// address needs an absolute folder, e.g. file:///var/mail"
            )
        return EmailDelivery(backend=FILE_BACKEND, file_path=unquote(parts.path))
    if scheme not in {"smtp", "smtps"}:
        raise _problem(
            variable,
            f"unknown scheme {parts.scheme or '(none)'!r}; use smtp://, smtps://, file:// or console://",
        )
    try:
        host, port = parts.hostname, parts.port
    except ValueError:
        raise _problem(variable, "the port is not a number between 1 and 65535") from None
    if not host:
        raise _problem(variable, "no host name, e.g. smtp://user:password@mail.example.vn:587")
    use_ssl = scheme == "smtps" or _flag(variable, query.get("ssl", "0"))
    timeout = query.get("timeout")
    return _checked(
        variable,
        EmailDelivery(
            host=host,
            port=port or (465 if scheme == "smtps" else 25),
            user=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            use_tls=_flag(variable, query.get("tls", "0")),
            use_ssl=use_ssl,
            timeout=_number(variable, timeout) if timeout is not None else DEFAULT_TIMEOUT,
        ),
    )


def email_delivery(environ):
    """The delivery chosen by the environment: ``EMAIL_URL``, else the
    ``EMAIL_HOST``... variables, else SMTP on localhost port 25."""
    url = environ.get("EMAIL_URL", "").strip()
    if url:
        return parse_email_url(url)
    port = environ.get("EMAIL_PORT")
    timeout = environ.get("EMAIL_TIMEOUT")
    return _checked(
        "EMAIL_USE_SSL",
        EmailDelivery(
            host=environ.get("EMAIL_HOST") or "localhost",
            port=_number("EMAIL_PORT", port) if port else 25,
            user=environ.get("EMAIL_HOST_USER", ""),
            password=environ.get("EMAIL_HOST_PASSWORD", ""),
            use_tls=_flag("EMAIL_USE_TLS", environ.get("EMAIL_USE_TLS", "0")),
            use_ssl=_flag("EMAIL_USE_SSL", environ.get("EMAIL_USE_SSL", "0")),
            timeout=_number("EMAIL_TIMEOUT", timeout) if timeout else DEFAULT_TIMEOUT,
        ),
    )
