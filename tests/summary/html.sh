#!/bin/sh
# The HTML report (--summary --format=html) in a real browser: Debian's
# chromium, headless, loads the page from a file with the network off;
# the page must load with no console message, fetch nothing (no script,
# no src, href or url() at all), and the counts it shows (each carries a
# data-count attribute) must equal those of the JSON report of the same
# input.  A screenshot of the page is kept as SCREENSHOT, the test's
# artefact.  Chromium is installed when CI=true or SMTPCLASS_E2E_INSTALL=1
# (tests/e2e/lib.sh); elsewhere without it the test is skipped (77).
#
# Usage: html.sh SMTPCLASS SOURCE_DIR SCREENSHOT
set -u
bin=$1
src=$2
screenshot=$3
E2E_NAME=summary-html
. "$src/tests/e2e/lib.sh"
e2e_ensure_packages chromium
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() {
	echo "FAIL $1"
	failures=$((failures + 1))
}

# The sample log (deliveries, deferrals, bounces and this server's rejects)
# and the real Postfix and Exim logs of the log goldens.
for input in "$src/examples/sample-mail.log" "$src/tests/logs/exim.log"; do
	name=$(basename "$input")
	page=$work/$name.html
	"$bin" --summary --format=html --top=0 "$input" >"$page" || fail "$name: exit $?"
	"$bin" --summary --format=json --top=0 "$input" >"$work/$name.json" || fail "$name: json exit $?"
	if grep -Eiq '<script|<link|<img|<iframe|[[:space:]](src|href)=|url\(|@import' "$page"; then
		fail "$name: the page would fetch something: $(grep -Eio '<script|<link|<img|<iframe|(src|href)=|url\(|@import' "$page" | head -3)"
	fi
	# --no-sandbox: root in a container; the proxy setting keeps it off the network.
	timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run \
		--proxy-server=127.0.0.1:9 --enable-logging=stderr --v=0 \
		--user-data-dir="$work/profile" --dump-dom "file://$page" \
		>"$work/$name.dom" 2>"$work/$name.log"
	status=$?
	if [ "$status" -ne 0 ] || [ ! -s "$work/$name.dom" ]; then
		fail "$name: chromium exit $status: $(tail -3 "$work/$name.log")"
		continue
	fi
	if grep -q 'CONSOLE' "$work/$name.log"; then
		fail "$name: console messages: $(grep 'CONSOLE' "$work/$name.log" | head -3)"
	fi
	python3 - "$work/$name.dom" "$work/$name.json" <<'EOF' || fail "$name: the page's counts differ from the JSON report's"
import html.parser, json, sys

class Counts(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.counts, self.key, self.text = {}, None, ""
    def handle_starttag(self, tag, attrs):
        for k, v in attrs:
            if k == "data-count":
                self.key, self.text = v, ""
    def handle_data(self, data):
        if self.key is not None:
            self.text += data
    def handle_endtag(self, tag):
        if self.key is not None:
            self.counts[self.key] = int(self.text)
            self.key = None

page = Counts()
page.feed(open(sys.argv[1], encoding="utf-8").read())
got = page.counts
doc = json.load(open(sys.argv[2], encoding="utf-8"))
inbound = doc["inbound"]
want = {"records": doc["records"], "addresses:remove": doc["addresses"]["remove"],
        "addresses:soft": doc["addresses"]["soft"]}
for status, n in doc["totals"].items():
    want["totals:" + status] = n
for reason, n in doc["reasons"].items():
    out = n - inbound["reasons"].get(reason, 0)
    if out > 0:
        want["reason:" + reason] = out
for d in doc["domains"]:
    want["domain:" + d["domain"]] = d["records"]
for h in doc["hosts"]:
    want["host:" + h["host"]] = h["records"]
for d in doc["days"]:
    want["day:" + d["day"]] = d["records"]
for i, g in enumerate(doc["groups"]):
    want["group:%d" % (i + 1)] = g["count"]
if inbound["records"] > 0:
    want["inbound"] = inbound["records"]
    for c in inbound["clients"]:
        want["client:" + c["client"]] = c["records"]
    for i, g in enumerate(inbound.get("groups", [])):
        want["inbound group:%d" % (i + 1)] = g["count"]
if doc.get("delays", {}).get("delivered", 0) > 0:
    want["delays:delivered"] = doc["delays"]["delivered"]
warnings = doc.get("warnings", {})
for kind in ("auth_failed", "tls_failed", "lost", "timeout"):
    if kind in warnings and sum(warnings.get(k, 0) for k in ("auth_failed", "tls_failed", "lost", "timeout")) > 0:
        want["warnings:" + kind] = warnings[kind]
for c in warnings.get("clients", []):
    want["warning client:" + c["client"]] = c["count"]
for h in warnings.get("hosts", []):
    want["warning host:" + h["host"]] = h["count"]
for e in warnings.get("sessions", []):
    want["warning session:" + e["event"] + " " + e["command"]] = e["count"]
senders = doc.get("senders", {})
if senders.get("messages", 0) > 0:
    want["senders:messages"] = senders["messages"]
    for e in senders.get("senders", []):
        want["sender:" + e["sender"]] = e["messages"]
bad = sorted(k for k in want if got.get(k) != want[k])
if bad or len(got) < len(want):
    for k in bad[:10]:
        print("  %s: page %s, json %s" % (k, got.get(k), want[k]))
    sys.exit(1)
print("%s: %d counts on the page equal the JSON report's" % (sys.argv[1].split("/")[-1], len(want)))
EOF
done

# The artefact: a screenshot of the sample's page at a phone's width and at
# a desktop's (the phone's is the one kept).
for size in 412,2400 1200,2400; do
	rm -f "$work/shot.png"
	(cd "$work" && timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run \
		--proxy-server=127.0.0.1:9 --user-data-dir="$work/profile" --hide-scrollbars \
		--window-size="$size" --screenshot="$work/shot.png" \
		"file://$work/sample-mail.log.html" >/dev/null 2>&1)
	[ -s "$work/shot.png" ] || fail "no screenshot at $size"
	[ "$size" = 412,2400 ] && cp "$work/shot.png" "$screenshot" 2>/dev/null
done
[ -s "$screenshot" ] && echo "screenshot: $screenshot"

if [ "$failures" -ne 0 ]; then
	echo "$failures failures"
	exit 1
fi
echo "html report: 0 failures"
