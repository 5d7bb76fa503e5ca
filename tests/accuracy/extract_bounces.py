#!/usr/bin/env python3
"""Builds tests/accuracy/bounces.tsv from the shared bounce e-mails.

Reads ../shared/corpus/bounces/expected.tsv (one line per failed recipient,
Sisimai's labels) and each .eml, and writes one row per recipient whose
message carries an RFC 3464 Diagnostic-Code for it (the reply the remote
server gave), in the columns of sisimai-dev.tsv so that accuracy.sh reads it
unchanged.  Messages without a Diagnostic-Code (qmail, Exim and provider
notices in free text) are left out: finding the reply in prose is the
finder's work (issue 11).  Run again when the corpus changes:
    tests/accuracy/extract_bounces.py /work/shared/corpus/bounces > tests/accuracy/bounces.tsv
"""
import csv, email, email.policy, re, sys

def diagnostics(path):
    """Maps lowercased recipient -> Diagnostic-Code text; '' -> the first one."""
    with open(path, 'rb') as f:
        msg = email.message_from_binary_file(f, policy=email.policy.compat32)
    found = {}
    for part in msg.walk():
        if part.get_content_type() != 'message/delivery-status':
            continue
        payload = part.get_payload()
        blocks = payload if isinstance(payload, list) else []
        for block in blocks:
            code = block.get('Diagnostic-Code')
            if code is None:
                continue
            text = re.sub(r'\s+', ' ', str(code)).strip()
            text = re.sub(r'^[A-Za-z-]+\s*;\s*', '', text)
            rcpt = str(block.get('Final-Recipient') or block.get('Original-Recipient') or '')
            rcpt = re.sub(r'^[^;]*;\s*', '', rcpt).strip().strip('<>').lower()
            found.setdefault(rcpt, text)
            found.setdefault('', text)
    return found

def main(directory):
    out = csv.writer(sys.stdout, delimiter='\t', lineterminator='\n', quoting=csv.QUOTE_NONE,
                     escapechar='\\')
    out.writerow(['id', 'mta_module', 'diagnostic_text', 'expected_status', 'expected_replycode',
                  'expected_reason', 'expected_hardbounce'])
    with open(directory + '/expected.tsv') as f:
        rows = list(csv.DictReader(f, delimiter='\t', quoting=csv.QUOTE_NONE))
    seen = {}
    for row in rows:
        found = diagnostics(directory + '/' + row['file'])
        text = found.get(row['recipient'].lower()) or found.get('')
        if not text or '\t' in text:
            continue
        n = seen.get(row['id'], 0)
        seen[row['id']] = n + 1
        rid = row['id'] + ('' if n == 0 else '.%d' % n)
        out.writerow([rid, row['file'].split('-')[1], text, row['expected_status'],
                      row['expected_replycode'], row['expected_reason'],
                      row['expected_hardbounce']])

main(sys.argv[1])
