"""smtpclass: classify SMTP replies and mail log lines from Python.

A thin ctypes binding over libsmtpclass's one-call entry points,
smtpclass_classify_text() and smtpclass_scan_log_line() (see
libsmtpclass(3)), which fill one flat, versioned struct of numbers and
strings: no compiled extension, nothing to build.

    >>> import smtpclass
    >>> r = smtpclass.classify("550 5.1.1 <bob@example.com>: User unknown")
    >>> r.verdict, r.reason, r.action
    ('hard', 'userunknown', 'remove-address')

The shared library is loaded by its SONAME (libsmtpclass.so.0.1, from the
libsmtpclass0.1 package), or from the path in the environment variable
SMTPCLASS_LIBRARY (a build tree's library, for tests).
"""

from __future__ import annotations

import ctypes
import os
from dataclasses import dataclass
from typing import Optional, Union

__all__ = [
    "Classification",
    "LogRecord",
    "Rules",
    "RulesError",
    "classify",
    "scan_log_line",
    "library_version",
    "SONAME",
]

#: The SONAME this module is written for: the ABI of libsmtpclass 0.1.
SONAME = "libsmtpclass.so.0.1"

#: Version of smtpclass_flat_result that this module reads.
_FLAT_RESULT_VERSION = 2

_STAGES = ("connect", "helo", "mail", "rcpt", "data", "eod")

Text = Union[str, bytes]


class _Field(ctypes.Structure):
    _fields_ = [("offset", ctypes.c_size_t), ("length", ctypes.c_size_t)]


class _FlatResult(ctypes.Structure):
    """smtpclass_flat_result, version 2, field for field (smtpclass.h)."""

    _fields_ = [
        ("size", ctypes.c_size_t),
        ("version", ctypes.c_uint),
        ("found", ctypes.c_int),
        ("parse_status", ctypes.c_int),
        ("code", ctypes.c_int),
        ("enhanced_class", ctypes.c_int),
        ("enhanced_subject", ctypes.c_int),
        ("enhanced_detail", ctypes.c_int),
        ("verdict", ctypes.c_int),
        ("reason", ctypes.c_int),
        ("action", ctypes.c_int),
        ("rule_kind", ctypes.c_int),
        ("mismatch", ctypes.c_int),
        ("stage", ctypes.c_int),
        ("reply_flags", ctypes.c_uint),
        ("verdict_name", ctypes.c_char_p),
        ("reason_name", ctypes.c_char_p),
        ("reason_meaning", ctypes.c_char_p),
        ("action_name", ctypes.c_char_p),
        ("action_sentence", ctypes.c_char_p),
        ("rule", ctypes.c_char_p),
        ("evidence", ctypes.c_char_p),
        ("class_name", ctypes.c_char_p),
        ("subject_name", ctypes.c_char_p),
        ("detail_name", ctypes.c_char_p),
        ("stage_name", ctypes.c_char_p),
        ("mta", ctypes.c_int),
        ("log_status", ctypes.c_int),
        ("mta_name", ctypes.c_char_p),
        ("log_status_name", ctypes.c_char_p),
        ("time", _Field),
        ("host", _Field),
        ("queue_id", _Field),
        ("sender", _Field),
        ("recipient", _Field),
        ("domain", _Field),
        ("relay", _Field),
        ("dsn", _Field),
        ("reply", _Field),
        ("delay", _Field),  # version 2
    ]


class _Options(ctypes.Structure):
    """smtpclass_options (smtpclass.h)."""

    _fields_ = [
        ("stage", ctypes.c_int),
        ("site_rules", ctypes.c_void_p),
        ("flags", ctypes.c_uint),
    ]


def _load() -> ctypes.CDLL:
    path = os.environ.get("SMTPCLASS_LIBRARY") or SONAME
    library = ctypes.CDLL(path)
    library.smtpclass_version.restype = ctypes.c_char_p
    library.smtpclass_version.argtypes = []
    for name in ("smtpclass_classify_text", "smtpclass_scan_log_line"):
        function = getattr(library, name)
        function.restype = ctypes.c_int
        function.argtypes = [
            ctypes.c_char_p,
            ctypes.c_size_t,
            ctypes.POINTER(_Options),
            ctypes.POINTER(_FlatResult),
        ]
    library.smtpclass_rules_compile.restype = ctypes.c_void_p
    library.smtpclass_rules_compile.argtypes = [
        ctypes.c_char_p,
        ctypes.c_size_t,
        ctypes.POINTER(ctypes.c_size_t),
        ctypes.c_char_p,
        ctypes.c_size_t,
    ]
    library.smtpclass_rules_free.restype = None
    library.smtpclass_rules_free.argtypes = [ctypes.c_void_p]
    return library


_library = _load()


def library_version() -> str:
    """Return the version of the libsmtpclass loaded, e.g. "0.1.0"."""
    return _library.smtpclass_version().decode("ascii")


def _to_bytes(text: Text) -> bytes:
    if isinstance(text, bytes):
        return text
    return text.encode("utf-8", "surrogateescape")


def _string(value: Optional[bytes]) -> Optional[str]:
    return None if value is None else value.decode("utf-8", "replace")


class RulesError(ValueError):
    """A site rules text that smtpclass-rules(5) does not accept."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(f"line {line}: {message}" if line else message)
        #: The 1-based line of the error, 0 when no line is to blame.
        self.line = line


class Rules:
    """Site rules compiled from a text in the format of smtpclass-rules(5).

    Consulted before the built-in rules by classify() and scan_log_line()
    when given as their ``rules`` argument.  Raises RulesError for a text
    that does not parse.
    """

    def __init__(self, text: Text) -> None:
        data = _to_bytes(text)
        error_line = ctypes.c_size_t(0)
        error = ctypes.create_string_buffer(256)
        self._handle: Optional[int] = _library.smtpclass_rules_compile(
            data, len(data), ctypes.byref(error_line), error, len(error)
        )
        if not self._handle:
            self._handle = None
            raise RulesError(error.value.decode("utf-8", "replace"), error_line.value)

    def __del__(self) -> None:
        handle = getattr(self, "_handle", None)
        if handle:
            _library.smtpclass_rules_free(handle)
            self._handle = None


@dataclass(frozen=True)
class Classification:
    """What smtpclass says about one reply.

    ``is_reply`` is False when the text has no code and no rule recognises
    it (``smtpclass -r`` refuses such a text); the other fields then say
    ``unknown`` and ``undefined``.
    """

    is_reply: bool
    code: Optional[int]          #: basic code, e.g. 550
    enhanced: Optional[str]      #: enhanced status code, e.g. "5.1.1"
    class_name: Optional[str]    #: "Permanent Failure"
    subject_name: Optional[str]  #: "Addressing Status"
    detail_name: Optional[str]   #: "Bad destination mailbox address"
    verdict: str                 #: success, intermediate, soft, hard or unknown
    reason: str                  #: Sisimai reason, e.g. "userunknown"
    reason_meaning: str          #: one line for people
    action: str                  #: e.g. "remove-address"
    action_sentence: str         #: what to do, for people
    rule: Optional[str]          #: what decided, e.g. "enhanced X.1.1"; None when nothing did
    evidence: Optional[str]      #: the phrase a text rule matched
    mismatch: bool               #: basic and enhanced classes disagree
    stage: Optional[str]         #: the SMTP command answered, if known


@dataclass(frozen=True)
class LogRecord:
    """A delivery outcome found in a mail log line, and its classification."""

    classification: Classification
    mta: Optional[str]        #: postfix, exim, ...; None for a bare reply
    status: Optional[str]     #: sent, deferred, bounced, expired, rejected
    time: Optional[str]
    host: Optional[str]
    queue_id: Optional[str]
    sender: Optional[str]
    recipient: Optional[str]
    domain: Optional[str]
    relay: Optional[str]
    dsn: Optional[str]
    reply: Optional[str]      #: the reply as written in the line
    #: How long the message had been queued, as written: Postfix "6.2"
    #: (seconds), Sendmail "00:01:00", Exim "27s" (QT=), OpenSMTPD "1s";
    #: None where the line does not say (rejects, Postfix expiries, qmail,
    #: Exchange, Courier).
    delay: Optional[str]


def _options(stage: Optional[str], rules: Optional[Rules]) -> _Options:
    options = _Options()
    if stage is not None:
        if stage not in _STAGES:
            raise ValueError(f"unknown stage {stage!r}: one of {', '.join(_STAGES)}")
        options.stage = _STAGES.index(stage) + 1
    if rules is not None:
        options.site_rules = rules._handle
    return options


def _call(name: str, text: Text, stage: Optional[str], rules: Optional[Rules]):
    data = _to_bytes(text)
    out = _FlatResult()
    out.size = ctypes.sizeof(_FlatResult)
    options = _options(stage, rules)
    status = getattr(_library, name)(data, len(data), ctypes.byref(options), ctypes.byref(out))
    if status < 0:
        raise RuntimeError(f"{name} refused its arguments")
    if out.version < _FLAT_RESULT_VERSION:
        raise RuntimeError(
            f"libsmtpclass fills version {out.version} of its result, not {_FLAT_RESULT_VERSION}")
    return data, out


def _classification(out: _FlatResult) -> Classification:
    enhanced = None
    if out.enhanced_class:
        enhanced = f"{out.enhanced_class}.{out.enhanced_subject}.{out.enhanced_detail}"
    return Classification(
        is_reply=bool(out.found),
        code=out.code or None,
        enhanced=enhanced,
        class_name=_string(out.class_name),
        subject_name=_string(out.subject_name),
        detail_name=_string(out.detail_name),
        verdict=_string(out.verdict_name) or "unknown",
        reason=_string(out.reason_name) or "undefined",
        reason_meaning=_string(out.reason_meaning) or "",
        action=_string(out.action_name) or "",
        action_sentence=_string(out.action_sentence) or "",
        rule=_string(out.rule),
        evidence=_string(out.evidence),
        mismatch=bool(out.mismatch),
        stage=_string(out.stage_name),
    )


def classify(text: Text, stage: Optional[str] = None, rules: Optional[Rules] = None) -> Classification:
    """Classify one SMTP reply, as ``smtpclass -r TEXT`` does.

    ``text`` is a reply such as "550 5.1.1 User unknown" (one line, or a
    multiline reply), as str or bytes.  ``stage`` is the SMTP command it
    answered, if known: "connect", "helo", "mail", "rcpt", "data" or "eod".
    ``rules`` are site rules, consulted before the built-in ones.
    """
    _, out = _call("smtpclass_classify_text", text, stage, rules)
    return _classification(out)


def scan_log_line(line: Text, rules: Optional[Rules] = None) -> Optional[LogRecord]:
    """Find and classify the delivery outcome a mail log line reports.

    Returns None when the line reports none (noise).  The line is read on
    its own, as smtpclass's log mode reads it, without its newline; a line
    that is itself a reply gives a record whose ``mta`` is None.
    """
    data, out = _call("smtpclass_scan_log_line", line, None, rules)
    if not out.found:
        return None

    def piece(field: _Field) -> Optional[str]:
        if field.length == 0:
            return None
        return data[field.offset:field.offset + field.length].decode("utf-8", "replace")

    return LogRecord(
        classification=_classification(out),
        mta=_string(out.mta_name),
        status=_string(out.log_status_name),
        time=piece(out.time),
        host=piece(out.host),
        queue_id=piece(out.queue_id),
        sender=piece(out.sender),
        recipient=piece(out.recipient),
        domain=piece(out.domain),
        relay=piece(out.relay),
        dsn=piece(out.dsn),
        reply=piece(out.reply),
        delay=piece(out.delay),
    )
