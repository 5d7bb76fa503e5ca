"""Tests of the Python package smtpclass (CTest: python).

Run from the build tree by CTest with PYTHONPATH naming python/ of the
source, SMTPCLASS_LIBRARY a build of libsmtpclass (without sanitizers, which
a plain python3 cannot load), SMTPCLASS_TOOL the smtpclass command and
SMTPCLASS_SONAME the SONAME CMake gave the shared library.  The parity tests
hold the binding to the command: the same replies and the same log files
must give the same verdict, reason, action and rule through both.
"""

import dataclasses
import json
import os
import subprocess
import unittest
from pathlib import Path

import smtpclass

TOOL = os.environ.get("SMTPCLASS_TOOL")
LOGS = Path(__file__).resolve().parent.parent / "logs"

REPLIES = [
    "550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown",
    "452 4.2.2 Mailbox full",
    "552 Message size exceeds fixed maximum message size",
    "421 4.7.0 [TS03] All messages from 192.0.2.1 will be permanently deferred",
    "554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org",
    "250 2.0.0 Ok: queued as 9A1FFA7A455",
    "Connection timed out",
]


def tool_json(*arguments):
    """The JSON records smtpclass prints for its arguments."""
    output = subprocess.run(
        [TOOL, "--format=json", "--no-site-rules", *arguments],
        check=False, capture_output=True, text=True,
    ).stdout
    return [json.loads(line) for line in output.splitlines()]


class ClassifyTest(unittest.TestCase):
    def test_user_unknown(self):
        result = smtpclass.classify("550 5.1.1 <bob@example.com>: User unknown")
        self.assertIsInstance(result, smtpclass.Classification)
        self.assertTrue(result.is_reply)
        self.assertEqual(result.code, 550)
        self.assertEqual(result.enhanced, "5.1.1")
        self.assertEqual(result.verdict, "hard")
        self.assertEqual(result.reason, "userunknown")
        self.assertEqual(result.action, "remove-address")
        self.assertEqual(result.class_name, "Permanent Failure")
        self.assertEqual(result.detail_name, "Bad destination mailbox address")
        self.assertIsNone(result.stage)

    def test_bytes_and_str_agree(self):
        text = "452 4.2.2 Mailbox full"
        self.assertEqual(smtpclass.classify(text), smtpclass.classify(text.encode()))

    def test_stage(self):
        at_rcpt = smtpclass.classify("552 Requested mail action aborted", stage="rcpt")
        self.assertEqual(at_rcpt.stage, "rcpt")
        self.assertEqual(at_rcpt.verdict, "soft")
        with self.assertRaises(ValueError):
            smtpclass.classify("552", stage="quit")

    def test_not_a_reply(self):
        result = smtpclass.classify("hello world")
        self.assertFalse(result.is_reply)
        self.assertEqual(result.verdict, "unknown")
        self.assertIsNone(result.code)

    def test_frozen_dataclass(self):
        result = smtpclass.classify("250 ok")
        self.assertTrue(dataclasses.is_dataclass(result))
        with self.assertRaises(dataclasses.FrozenInstanceError):
            result.verdict = "hard"  # type: ignore[misc]

    def test_site_rules(self):
        rules = smtpclass.Rules(
            "id\tphrases\treason\taction\tverdict\tbare_verdict\tprovider\tsource\n"
            "soft-spamhaus\tspamhaus\tblocked\tretry\tsoft\t-\t-\ttest\n")
        reply = "554 5.7.1 blocked using zen.spamhaus.org"
        self.assertEqual(smtpclass.classify(reply).verdict, "hard")
        with_rules = smtpclass.classify(reply, rules=rules)
        self.assertEqual(with_rules.verdict, "soft")
        self.assertEqual(with_rules.rule, "site soft-spamhaus")
        self.assertEqual(with_rules.evidence, "spamhaus")

    def test_bad_rules(self):
        with self.assertRaises(smtpclass.RulesError) as caught:
            smtpclass.Rules("id\tphrases\treason\taction\tverdict\tbare_verdict\tprovider\tsource\n"
                            "broken\tspamhaus\n")
        self.assertEqual(caught.exception.line, 2)

    def test_version_and_soname(self):
        self.assertRegex(smtpclass.library_version(), r"^\d+\.\d+\.\d+$")
        soname = os.environ.get("SMTPCLASS_SONAME")
        if soname:
            self.assertEqual(smtpclass.SONAME, soname)

    @unittest.skipUnless(TOOL, "SMTPCLASS_TOOL not set")
    def test_same_as_the_command(self):
        for reply in REPLIES:
            with self.subTest(reply=reply):
                records = tool_json("-r", reply)
                result = smtpclass.classify(reply)
                self.assertEqual(len(records), 1 if result.is_reply else 0)
                if records:
                    record = records[0]
                    self.assertEqual(result.code, record["code"])
                    self.assertEqual(result.enhanced, record["enhanced"])
                    self.assertEqual(result.verdict, record["verdict"])
                    self.assertEqual(result.reason, record["reason"])
                    self.assertEqual(result.action, record["action"])
                    self.assertEqual(result.rule, record["rule"])
                    self.assertEqual(result.mismatch, record["mismatch"])


class ScanLogLineTest(unittest.TestCase):
    LINE = ("Feb 21 09:15:02 mx1 postfix/smtp[4242]: 9A1FFA7A455: to=<bob@example.com>, "
            "relay=mx.example.com[192.0.2.25]:25, delay=1.2, delays=0.1/0/0.5/0.6, dsn=5.1.1, "
            "status=bounced (host mx.example.com[192.0.2.25] said: 550 5.1.1 <bob@example.com>: "
            "Recipient address rejected: User unknown (in reply to RCPT TO command))")

    def test_postfix_bounce(self):
        record = smtpclass.scan_log_line(self.LINE)
        self.assertIsInstance(record, smtpclass.LogRecord)
        self.assertEqual(record.mta, "postfix")
        self.assertEqual(record.status, "bounced")
        self.assertEqual(record.recipient, "bob@example.com")
        self.assertEqual(record.domain, "example.com")
        self.assertEqual(record.queue_id, "9A1FFA7A455")
        self.assertEqual(record.dsn, "5.1.1")
        self.assertEqual(record.classification.verdict, "hard")
        self.assertEqual(record.classification.reason, "userunknown")
        self.assertEqual(record.classification.stage, "rcpt")
        self.assertEqual(record.delay, "1.2")  # delay=, not delays=

    def test_delay_as_written(self):
        # Real lines from mta-logs.md and tests/logs/web-exim.log.
        lines = {
            "2026-11-27T22:36:40.699181+00:00 vm sendmail[31940]: 6ARMZeMG031939: "
            "to=<ms-dbeb@outlook.test>, delay=00:01:00, xdelay=00:00:00, mailer=relay, "
            "pri=120183, relay=[127.0.0.2] [127.0.0.2], dsn=5.4.1, reply=550 5.4.1 Recipient "
            "address rejected: Access denied. AS(201806281) [...], stat=User unknown": "00:01:00",
            "2026-11-27T22:02:02.958951+00:00 vm smtpd[12882]: 5984932a5bd56648 mta delivery "
            "evpid=523e991de1f23130 from=<bounce@sender.test> to=<gmail-unsolicited@gmail.test> "
            "rcpt=<-> source=\"127.0.0.1\" relay=\"127.0.0.1 (localhost)\" delay=1s "
            "result=\"TempFail\" stat=\"421-4.7.28 Our system has detected an unusual rate\"": "1s",
            "2015-12-16 15:28:59 1a9E0G-003vJ3-JG => avinash.trivedi "
            "<avinash.trivedi@videonetics.com> R=virtual_user T=virtual_userdelivery "
            "QT=27s DT=0s": "27s",
            # DT= is one attempt's time, not the queue time.
            "2026-11-27 21:55:53 1xX3v6-00009K-2M == user@greet-421.test R=to_responder "
            "T=lab_smtp defer (0) H=127.0.0.1 [127.0.0.1]:2526 DT=0s: SMTP error from remote "
            "mail server after initial connection: 421 mx.busy.test Too many concurrent SMTP "
            "connections; please try again later.": None,
            "Apr 10 14:50:16 mail postfix/qmgr[3663]: BACE842E72: from=<noreply@domain.com>, "
            "status=expired, returned to sender": None,
        }
        for line, delay in lines.items():
            with self.subTest(line=line):
                record = smtpclass.scan_log_line(line)
                self.assertIsNotNone(record)
                self.assertEqual(record.delay, delay)

    def test_bare_reply_has_no_delay(self):
        self.assertIsNone(smtpclass.scan_log_line("452 4.2.2 Mailbox full").delay)

    def test_noise(self):
        self.assertIsNone(smtpclass.scan_log_line("Feb 21 09:15:02 mx1 CRON[1]: (root) CMD (true)"))

    def test_bare_reply(self):
        record = smtpclass.scan_log_line("452 4.2.2 Mailbox full")
        self.assertIsNone(record.mta)
        self.assertEqual(record.classification.reason, "mailboxfull")

    @unittest.skipUnless(TOOL, "SMTPCLASS_TOOL not set")
    def test_same_as_the_command_on_real_logs(self):
        # qmail's recipients and the reply of an expired Postfix message
        # come from earlier lines: a line alone cannot say.
        logs = sorted(p for p in LOGS.glob("*.log") if "qmail" not in p.name)
        self.assertTrue(logs)
        for log in logs:
            by_line = {record["line"]: record for record in tool_json("--all", str(log))}
            lines = log.read_bytes().split(b"\n")
            found = 0
            for number, line in enumerate(lines, start=1):
                line = line.rstrip(b"\r")
                record = smtpclass.scan_log_line(line)
                with self.subTest(log=log.name, line=number):
                    self.assertEqual(record is not None, number in by_line)
                    if record is None:
                        continue
                    found += 1
                    expected = by_line[number]
                    if expected["rule"] == "status expired, last reply of the queue id":
                        # The reply of an expired message comes from an
                        # earlier line, as qmail's recipients do.
                        self.assertEqual(record.status, "expired")
                        continue
                    self.assertEqual(record.classification.verdict, expected["verdict"])
                    self.assertEqual(record.classification.reason, expected["reason"])
                    self.assertEqual(record.classification.action, expected["action"])
                    self.assertEqual(record.classification.rule, expected["rule"])
                    self.assertEqual(record.recipient, expected["recipient"])
                    self.assertEqual(record.status, expected["status"])
                    self.assertEqual(record.mta, expected["mta"])
            self.assertEqual(found, len(by_line), log.name)


if __name__ == "__main__":
    unittest.main()
