"""Configuration classes, read from the environment with sensible defaults."""

from __future__ import annotations

import os
import tempfile
import uuid
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"


def normalise_database_url(url: str) -> str:
    """Point any PostgreSQL URL at the psycopg 3 driver, the one the project installs."""
    for prefix in (
        "postgres://",
        "postgresql://",
        "postgresql+psycopg2://",
        "postgresql+pg8000://",
    ):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    """Production-leaning defaults; every value can be overridden from the environment."""

    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-change-me")
    SQLALCHEMY_DATABASE_URI = normalise_database_url(
        os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'finsam.db'}")
    )
    # Migrations (init-db, create-app-role) connect as the schema's owner; the application
    # may connect as a role that only appends to the audit log (README, "Database roles").
    # Empty: the same URL as the application's.
    MIGRATION_DATABASE_URL = (
        normalise_database_url(os.environ["MIGRATION_DATABASE_URL"])
        if os.environ.get("MIGRATION_DATABASE_URL")
        else None
    )
    SQLALCHEMY_ECHO = _bool("SQLALCHEMY_ECHO")
    # Sessions: signed cookies, so any app instance can serve any request.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    MAX_CONTENT_LENGTH = 1024 * 1024  # 1 MB: every body above it answers 413
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    BABEL_DEFAULT_LOCALE = "sv"
    BABEL_DEFAULT_TIMEZONE = "Europe/Stockholm"
    LANGUAGES = ("sv", "en")
    # Rate limits: memory per process by default, Redis shared by all workers when set.
    REDIS_URL = os.environ.get("REDIS_URL")
    RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL") or "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    # Redis down: count in memory per process until it is back, rather than fail each request.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "finsam")
    # The RQ queue's name: installations sharing one Redis each need their own.
    JOB_QUEUE = os.environ.get("JOB_QUEUE", "finsam")
    # Every attempt (not only failures) at the sign-in form, the token endpoint and the
    # two-factor code check, per client address; and a generous default for the API.
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "30 per minute")
    TWO_FACTOR_RATE_LIMIT = os.environ.get("TWO_FACTOR_RATE_LIMIT", "10 per minute")
    API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "600 per minute")
    # Failed sign-ins (workflow/auth.py): per account from anywhere and per address and
    # account refuse the next attempt; per address only a wrong password (never a correct
    # one of another account: a municipality's NAT shares one address).
    LOGIN_LIMIT_PER_ADDRESS = os.environ.get("LOGIN_LIMIT_PER_ADDRESS", "20 per 15 minutes")
    LOGIN_LIMIT_PER_ACCOUNT = os.environ.get("LOGIN_LIMIT_PER_ACCOUNT", "10 per 15 minutes")
    LOGIN_LIMIT_PER_ADDRESS_ACCOUNT = os.environ.get(
        "LOGIN_LIMIT_PER_ADDRESS_ACCOUNT", "5 per 15 minutes"
    )
    # How many reverse proxies in front of the app set X-Forwarded-For and -Proto (0: none,
    # the headers are ignored; 1: the README's nginx). Only then is the client's address the
    # one the sign-in limits count, and never more than there are: a client could forge it.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
    API_TOKEN_HOURS = int(os.environ.get("API_TOKEN_HOURS", "12"))
    # Seconds a client is told to wait (Retry-After) while the database does not answer.
    DATABASE_RETRY_AFTER = int(os.environ.get("DATABASE_RETRY_AFTER", "30"))
    # argon2id parameters (RFC 9106 second recommended option, lowered for tests).
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 64 * 1024
    PAGE_SIZE = 20
    MAX_PAGE_SIZE = 100
    # Rendered read pages are kept per session until the data changes (workflow/pagecache.py),
    # at most this many seconds (0 turns the cache off) and this many bytes per process.
    PAGE_CACHE_SECONDS = float(os.environ.get("PAGE_CACHE_SECONDS", "300"))
    PAGE_CACHE_MAX_BYTES = int(os.environ.get("PAGE_CACHE_MAX_BYTES", str(16 * 1024 * 1024)))
    # Mail: SMTP when MAIL_SERVER is set, otherwise the log and the outbox page only.
    MAIL_SERVER = os.environ.get("MAIL_SERVER") or None
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = _bool("MAIL_USE_TLS")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_SENDER = os.environ.get("MAIL_SENDER", "finsam@localhost")
    MAIL_TIMEOUT = float(os.environ.get("MAIL_TIMEOUT", "10"))
    # A failed delivery waits MAIL_RETRY_SECONDS, then twice that, ...; after
    # MAIL_MAX_ATTEMPTS attempts the message is marked failed.
    MAIL_RETRY_SECONDS = int(os.environ.get("MAIL_RETRY_SECONDS", "60"))
    MAIL_MAX_ATTEMPTS = int(os.environ.get("MAIL_MAX_ATTEMPTS", "8"))
    # Where the links in e-mails point (mail is also written outside any request).
    APP_BASE_URL = (
        os.environ.get("APP_BASE_URL") or os.environ.get("SERVER_URL") or "http://127.0.0.1:5000"
    )
    # Served over HTTPS (APP_BASE_URL starts with https://, or PREFER_HTTPS is set): HSTS and
    # cookies sent over HTTPS only.
    PREFER_HTTPS = _bool("PREFER_HTTPS", APP_BASE_URL.startswith("https://"))
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", PREFER_HTTPS)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", str(365 * 24 * 3600)))
    # Attachments: outside the static folder, on a disk all instances share.
    ATTACHMENTS_DIR = os.environ.get("ATTACHMENTS_DIR") or str(INSTANCE_DIR / "attachments")
    ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
    # Signed protocols' PDFs, built by a job (workflow/operations/documents.py); shared like
    # the attachments, and rebuilt from the database when lost.
    DOCUMENTS_DIR = os.environ.get("DOCUMENTS_DIR") or str(INSTANCE_DIR / "documents")
    # The name the authenticator app shows beside the code.
    TWO_FACTOR_ISSUER = os.environ.get("TWO_FACTOR_ISSUER", "Finsam")
    # Signed audit checkpoints (workflow/audit_checkpoint.py): a folder and/or an address the
    # revisor keeps; the HMAC key defaults to SECRET_KEY.
    AUDIT_CHECKPOINT_DIR = os.environ.get("AUDIT_CHECKPOINT_DIR") or None
    AUDIT_CHECKPOINT_MAIL = os.environ.get("AUDIT_CHECKPOINT_MAIL") or None
    AUDIT_CHECKPOINT_KEY = os.environ.get("AUDIT_CHECKPOINT_KEY") or None


class _Fresh:
    """A class attribute that reads as a new random value each time (one per app instance)."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern

    def __get__(self, instance: object, owner: type) -> str:
        return self.pattern.format(uuid.uuid4().hex)


class TestConfig(Config):
    """Fast, isolated settings for the test suite."""

    TESTING = True
    SECRET_KEY = "test-secret"  # noqa: S105 - fixed key keeps tests deterministic
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL") or "memory://"
    # A fresh prefix and directory for each app instance: tests (and parallel workers)
    # never share rate-limit counters in Redis, nor attachment files.
    RATELIMIT_KEY_PREFIX = _Fresh("finsam-test-{}")
    ATTACHMENTS_DIR = _Fresh(str(Path(tempfile.gettempdir()) / "finsam-attachments-{}"))
    DOCUMENTS_DIR = _Fresh(str(Path(tempfile.gettempdir()) / "finsam-documents-{}"))
    # With REDIS_URL set (CI), jobs go through RQ but run at once, as the tests expect;
    # tests/scale/test_jobs.py drives a real queue and worker.
    JOB_QUEUE_ASYNC = False
    JOB_QUEUE = _Fresh("finsam-test-jobs-{}")
    # Generous, so a long test never trips them; the rate-limit tests set their own.
    LOGIN_RATE_LIMIT = "1000 per minute"
    TWO_FACTOR_RATE_LIMIT = "1000 per minute"
    API_RATE_LIMIT = "100000 per minute"
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 64  # KiB: the minimum for parallelism 4 is 8 per lane
    WTF_CSRF_ENABLED = True
    # No real mail from tests: a test that wants SMTP points these at its own server.
    MAIL_SERVER = None
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_SENDER = "finsam@localhost"
    MAIL_TIMEOUT = 5.0
    MAIL_RETRY_SECONDS = 60
    MAIL_MAX_ATTEMPTS = 8
    APP_BASE_URL = "http://127.0.0.1:5000"
    AUDIT_CHECKPOINT_DIR = None
    AUDIT_CHECKPOINT_MAIL = None
    AUDIT_CHECKPOINT_KEY = None
    MIGRATION_DATABASE_URL = None
