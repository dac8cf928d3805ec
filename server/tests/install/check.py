#!/usr/bin/python3
"""What the README promises once its install and mail server steps are done, checked against
the installed panel, Dovecot and Postfix on their usual ports (run.sh runs this inside the
test's own namespaces).

    check.py sqlite|pgsql ADMIN_PASSWORD STEP...

setup       the panel answers /login; the administrator signs in, sets up two-factor
            authentication as the panel asks, and adds alice, bob and carol (carol "Only local
            SMTP") through the panel's server functions, as its forms post them
mail        alice sends to bob with SMTP AUTH on 587 (STARTTLS); Postfix delivers it to Dovecot
            over LMTP and bob reads it over IMAP; carol is refused a recipient outside the
            panel's domains by Postfix and may write to bob; alice may not send as bob
mail-again  the same, again (run.sh runs it with the panel stopped)
kick        bob's open IMAP connection closes when the administrator signs bob out of all
            devices in the panel (doveadm's HTTP API, with the key the README's steps made)
"""
import base64
import hashlib
import hmac
import imaplib
import json
import smtplib
import ssl
import struct
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

PANEL = "http://127.0.0.1:3000"
DOMAIN = "example.org"
ADMIN = "clerk@example.org"
SESSION_FILE = "/run/postmaster-check-session"
USERS = ["alice", "bob", "carol"]
# Users' own password: long and not guessable, as the panel's policy asks.
USER_PASSWORD = "quartz meadow tumble 7 harbour"


def fail(message):
    print(f"check: {message}", file=sys.stderr)
    sys.exit(1)


def address(name):
    return f"{name}@{DOMAIN}"


class Panel:
    """The panel's server functions over HTTP, called as its forms post them."""

    def __init__(self):
        self.cookies = {}

    def call(self, path, fields=()):
        body = urllib.parse.urlencode(list(fields)).encode()
        request = urllib.request.Request(f"{PANEL}/api/{path}", data=body, method="POST")
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
        request.add_header("Accept", "application/json")
        request.add_header("Origin", PANEL)
        if self.cookies:
            request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        try:
            with urllib.request.urlopen(request, timeout=30) as reply:
                status, text, headers = reply.status, reply.read().decode(), reply.headers
        except urllib.error.HTTPError as error:
            status, text, headers = error.code, error.read().decode(), error.headers
        for cookie in headers.get_all("Set-Cookie") or []:
            pair = cookie.split(";", 1)[0]
            name, _, value = pair.partition("=")
            if "Max-Age=0" in cookie:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        return status, text

    def ok(self, path, fields=()):
        status, text = self.call(path, fields)
        if status != 200:
            fail(f"{path}: {status} {text}")
        return json.loads(text) if text else None


def form(**fields):
    return [(f"form[{key}]", value) for key, value in fields.items()]


def totp(key_text, at):
    """RFC 6238 as authenticator apps do it: SHA-1, 6 digits, 30-second steps."""
    secret = "".join(key_text.split()).upper()
    secret += "=" * (-len(secret) % 8)
    digest = hmac.new(base64.b32decode(secret), struct.pack(">Q", int(at) // 30), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


def signed_in_admin(admin_password):
    panel = Panel()
    try:
        with open(SESSION_FILE) as saved:
            panel.cookies = json.load(saved)
        if panel.call("domains/list")[0] == 200:
            return panel
        panel.cookies = {}
    except FileNotFoundError:
        pass
    panel.ok("auth/login", form(email=ADMIN, password=admin_password))
    return panel


def setup(admin_password):
    with urllib.request.urlopen(f"{PANEL}/login", timeout=30) as page:
        if page.status != 200 or "<form" not in page.read().decode():
            fail("/login is not the sign-in page")
    panel = signed_in_admin(admin_password)
    # A new organisation asks its administrators for a second factor before anything else.
    status, text = panel.call("domains/list")
    if status != 403 or "TwoFactorSetupRequired" not in text:
        fail(f"the first sign-in should ask for two-factor set-up: {status} {text}")
    panel.ok("two_factor/start")
    pending = panel.ok("two_factor/pending")
    panel.ok("two_factor/confirm", form(code=totp(pending["key_text"], time.time())))
    with open(SESSION_FILE, "w") as saved:
        json.dump(panel.cookies, saved)
    domain = next(d for d in panel.ok("domains/list") if d["name"] == DOMAIN)
    for name in USERS:
        panel.ok(
            "users/create",
            form(
                domain=str(domain["id"]),
                username=name,
                name=name.capitalize(),
                password=USER_PASSWORD,
                password_confirm=USER_PASSWORD,
                quota_gb="1",
                account_type="basic",
            ),
        )
    carol = user_id(panel, "carol")
    panel.ok(
        "users/update",
        form(id=str(carol), name="Carol", account_type="basic", quota_gb="1", only_local_smtp="on"),
    )
    print("check: the panel answers, its administrator set up two-factor authentication and added alice, bob and carol")


def user_id(panel, name):
    page = panel.ok("users/list", [("query[search]", address(name))])
    return next(u["id"] for u in page["users"] if u["email"] == address(name))


def submission(name):
    smtp = smtplib.SMTP("127.0.0.1", 587, timeout=30)
    smtp.starttls(context=unverified())
    smtp.login(address(name), USER_PASSWORD)
    return smtp


def unverified():
    # Debian's self-signed certificate, until the host has its own.
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def message(sender, recipient, subject):
    return f"From: {sender}\r\nTo: {recipient}\r\nSubject: {subject}\r\n\r\nHello.\r\n"


def expect_refused(action, code, words):
    try:
        action()
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as refused:
        text = str(refused)
        if str(code) not in text or words not in text:
            fail(f"refused, but not with {code} '{words}': {text}")
        return
    fail(f"Postfix accepted what it must refuse ({code} {words})")


def inbox_subjects(name):
    imap = imaplib.IMAP4("127.0.0.1", 143, timeout=30)
    imap.starttls(ssl_context=unverified())
    imap.login(address(name), USER_PASSWORD)
    imap.select("INBOX", readonly=True)
    _, found = imap.search(None, "ALL")
    subjects = []
    for number in found[0].split():
        _, data = imap.fetch(number, "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
        subjects.append(data[0][1].decode().strip())
    imap.logout()
    return subjects


def mail(round_name):
    subject = f"Minutes of the {round_name} meeting"
    with submission("alice") as smtp:
        smtp.sendmail(address("alice"), [address("bob")], message(address("alice"), address("bob"), subject))
        # Alice may not send as Bob.
        expect_refused(
            lambda: smtp.sendmail(address("bob"), [address("alice")], message(address("bob"), address("alice"), "x")),
            553,
            "not owned by user",
        )
    with submission("carol") as smtp:
        expect_refused(
            lambda: smtp.sendmail(address("carol"), ["friend@elsewhere.example"], message(address("carol"), "friend@elsewhere.example", "x")),
            554,
            "Only local SMTP",
        )
        smtp.sendmail(address("carol"), [address("bob")], message(address("carol"), address("bob"), f"Carol's {round_name} note"))
    wanted = {f"Subject: {subject}", f"Subject: Carol's {round_name} note"}
    deadline = time.time() + 30
    while True:
        subjects = set(inbox_subjects("bob"))
        if wanted <= subjects:
            break
        if time.time() > deadline:
            fail(f"bob's INBOX holds {sorted(subjects)}, not {sorted(wanted)}")
        time.sleep(0.2)
    print(f"check ({round_name}): alice's and carol's mail reached bob's INBOX over SMTP AUTH, LMTP and IMAP; carol was refused an outside recipient; alice could not send as bob")


def kick(admin_password):
    imap = imaplib.IMAP4("127.0.0.1", 143, timeout=30)
    imap.starttls(ssl_context=unverified())
    imap.login(address("bob"), USER_PASSWORD)
    imap.select("INBOX")
    panel = signed_in_admin(admin_password)
    panel.ok("users/sign_out", form(user=str(user_id(panel, "bob")), all="on"))
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            imap.noop()
        except (imaplib.IMAP4.abort, OSError, EOFError):
            print("check: the panel closed bob's open IMAP connection")
            return
        time.sleep(0.2)
    fail("bob's IMAP connection stayed open after the panel signed him out of all devices")


def main():
    if len(sys.argv) < 4:
        fail(__doc__)
    _, admin_password, steps = sys.argv[1], sys.argv[2], sys.argv[3:]
    for step in steps:
        if step == "setup":
            setup(admin_password)
        elif step == "mail":
            mail("first")
        elif step == "mail-again":
            mail("second")
        elif step == "kick":
            kick(admin_password)
        else:
            fail(f"unknown step {step}")


if __name__ == "__main__":
    main()
