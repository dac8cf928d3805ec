//! The request fuzzer: random and mutated requests to every server function of the router,
//! in-process, as each kind of caller (nobody, a mailbox user, a user administrator, the
//! account administrator). Whatever arrives, the answer is never a 5xx and never a panic, and
//! the server still answers after. `make test` runs a short run on each database
//! (`POSTMASTER_FUZZ_CASES`, 5,000 by default); `make fuzz` a long one. A failure prints the
//! seed (`POSTMASTER_FUZZ_SEED` replays it) and the request.
use crate::support::panel::{both, Panel, PASSWORD};
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

const FIELDS: &[&str] = &[
    "id",
    "user",
    "users",
    "name",
    "email",
    "password",
    "password_confirm",
    "current",
    "domain",
    "username",
    "quota_gb",
    "account_type",
    "search",
    "sort",
    "cursor",
    "code",
    "confirm",
    "csv",
    "members",
    "member",
    "addresses",
    "keep_copy",
    "message",
    "subject",
    "enabled",
    "starts_on",
    "ends_on",
    "all",
    "end",
    "role",
    "domains",
    "token",
    "organisation",
    "licences",
    "storage_gb",
    "required",
    "access",
    "language",
    "time_zone",
    "date_format",
    "disabled",
    "only_local_smtp",
    "recovery_email",
    "words",
    "separator",
    "digits",
    "min_chars",
    "preset",
    "label",
    "minutes",
    "action",
    "from",
    "to",
    "page",
    "list",
    "alias",
    "form",
];

/// Values that have broken parsers elsewhere: numbers at and past their types' ends, booleans
/// as text, empty and huge, markup and SQL, paths, Unicode of every awkward kind, and the
/// panel's own addresses.
const VALUES: &[&str] = &[
    "",
    "0",
    "1",
    "-1",
    "2",
    "3",
    "42",
    "1.5",
    "1,5",
    "-0",
    "1e309",
    "NaN",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775809",
    "99999999999999999999999999",
    "0x10",
    "on",
    "off",
    "true",
    "false",
    "null",
    "[]",
    "{}",
    "all",
    "none",
    "nobody",
    "admins",
    "basic",
    "premium",
    "user_admin",
    "account_admin",
    "domain_admin",
    "read",
    "read_send",
    "clerk@council.test",
    "helper@council.test",
    "ann@council.test",
    "council.test",
    "nobody@elsewhere.example",
    "@",
    "a@",
    "@b",
    "a@b@c",
    "ANN@COUNCIL.TEST",
    "2027-07-14",
    "2027-02-30",
    "0000-00-00",
    "Europe/London",
    "Mars/Olympus",
    "en",
    "xx",
    "quartz meadow tumble 7",
    "lantern orchard velvet 42",
    "123456",
    "000000",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "\"; DROP TABLE users; --",
    "../../etc/passwd",
    "%",
    "_",
    "\\",
    "*",
    "NEAR(a b)",
    "\"unterminated",
    "a\u{0}b",
    "\u{7}",
    "\r\n",
    "\t",
    "é",
    "李",
    "🙂",
    "\u{202e}",
    "\u{feff}",
    "\u{200b}",
    "e\u{301}",
];

/// What stays unescaped in a fuzzed query string: its separators, and `%` so that broken
/// escapes reach the server as they are.
const QUERY: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'&')
    .remove(b'=')
    .remove(b'%')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'_');

struct Caller {
    label: &'static str,
    email: Option<&'static str>,
    cookie: Option<String>,
}

/// The callers, signed in afresh: the fuzzer's own calls sign sessions out and lock accounts.
async fn sign_in_all(panel: &Panel, callers: &mut [Caller]) {
    // Locks from the fuzzer's wrong passwords end with time.
    panel.clock.advance(24 * 3600);
    for caller in callers.iter_mut() {
        if let Some(email) = caller.email {
            let reply = panel.try_sign_in(email, PASSWORD).await;
            caller.cookie = reply
                .cookie()
                .map(|c| c.split(';').next().unwrap().to_owned());
        }
    }
}

fn value(rng: &mut StdRng) -> String {
    match rng.gen_range(0..10) {
        0 => "x".repeat(rng.gen_range(100..20_000)),
        1 => (0..rng.gen_range(0..40))
            .map(|_| rng.gen::<char>())
            .collect(),
        2 => rng.gen::<i64>().to_string(),
        _ => VALUES.choose(rng).unwrap().to_string(),
    }
}

fn key(rng: &mut StdRng) -> String {
    let field = FIELDS.choose(rng).unwrap();
    match rng.gen_range(0..8) {
        0 => field.to_string(),
        1 => format!("query[{field}]"),
        2 => format!("form[{field}][{}]", rng.gen_range(0..3)),
        3 => format!("form[{field}][x]"),
        4 => format!("form[{field}"),
        _ => format!("form[{field}]"),
    }
}

/// A form body: a few fields, encoded as a browser does or a little wrong.
fn form(rng: &mut StdRng) -> Vec<u8> {
    let pairs: Vec<(String, String)> = (0..rng.gen_range(0..8))
        .map(|_| (key(rng), value(rng)))
        .collect();
    let mut body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&pairs)
        .finish()
        .into_bytes();
    match rng.gen_range(0..6) {
        // A raw escape that is not UTF-8, or a broken one.
        0 => body.extend_from_slice(b"&form[name]=%FF%C3%28&x=%G1%"),
        // Flipped, dropped and doubled bytes.
        1 if !body.is_empty() => {
            for _ in 0..rng.gen_range(1..6) {
                let at = rng.gen_range(0..body.len());
                match rng.gen_range(0..3) {
                    0 => body[at] = rng.gen(),
                    1 => {
                        body.remove(at);
                        if body.is_empty() {
                            break;
                        }
                    }
                    _ => body.insert(at, body[at]),
                }
            }
        }
        2 => body = (0..rng.gen_range(0..300)).map(|_| rng.gen()).collect(),
        _ => {}
    }
    body
}

fn request(
    rng: &mut StdRng,
    path: &str,
    method: &Method,
    cookie: Option<&str>,
) -> (Request<Body>, String) {
    let body = form(rng);
    let kind = match rng.gen_range(0..12) {
        0 => "application/json",
        1 => "multipart/form-data; boundary=x",
        2 => "text/plain; charset=utf-8",
        3 => "",
        _ => "application/x-www-form-urlencoded",
    };
    let get = *method == Method::GET || rng.gen_range(0..20) == 0;
    let uri = if get {
        // The bytes as they are where a URI allows them, escaped where it does not.
        format!("{path}?{}", percent_encoding::percent_encode(&body, QUERY))
    } else {
        path.to_owned()
    };
    let mut req = Request::builder()
        .method(if get { Method::GET } else { Method::POST })
        .uri(&uri)
        .header("sec-fetch-site", "same-origin");
    if rng.gen_bool(0.5) {
        req = req.header(header::ACCEPT, "application/json");
    } else if rng.gen_bool(0.5) {
        req = req
            .header(header::ACCEPT, "text/html")
            .header(header::REFERER, "http://127.0.0.1:3000/users");
    }
    if !kind.is_empty() {
        req = req.header(header::CONTENT_TYPE, kind);
    }
    if let Some(cookie) = cookie {
        req = req.header(header::COOKIE, cookie);
    }
    let shown = format!(
        "{} {uri} ({kind}) {:?}",
        if get { "GET" } else { "POST" },
        String::from_utf8_lossy(&body)
            .chars()
            .take(300)
            .collect::<String>()
    );
    let req = if get {
        req.body(Body::empty())
    } else {
        req.body(Body::from(body))
    };
    (req.unwrap_or_else(|e| panic!("{e}: {shown}")), shown)
}

async fn fuzz(panel: &Panel, cases: u64, seed: u64) {
    let admin = panel.admin_session().await;
    panel.add_user_admin().await;
    panel.add_users(&admin, &["ann"]).await;
    let mut callers = [
        Caller {
            label: "nobody",
            email: None,
            cookie: None,
        },
        Caller {
            label: "mailbox user",
            email: Some("ann@council.test"),
            cookie: None,
        },
        Caller {
            label: "user administrator",
            email: Some("helper@council.test"),
            cookie: None,
        },
        Caller {
            label: "account administrator",
            email: Some("clerk@council.test"),
            cookie: None,
        },
    ];
    sign_in_all(panel, &mut callers).await;
    let mut paths: Vec<(&str, Method)> = leptos::server_fn::axum::server_fn_paths().collect();
    paths.sort_by_key(|(path, _)| *path);
    assert!(paths.len() > 50, "every server function: {}", paths.len());
    let mut rng = StdRng::seed_from_u64(seed);
    for case in 0..cases {
        if case % 250 == 0 {
            sign_in_all(panel, &mut callers).await;
        }
        let (path, method) = paths.choose(&mut rng).unwrap();
        let caller = callers.choose(&mut rng).unwrap();
        let (req, shown) = request(&mut rng, path, method, caller.cookie.as_deref());
        let reply = panel.send(req).await;
        assert!(
            reply.status.as_u16() < 500,
            "seed {seed}, case {case}, as {}: {shown}\n=> {} {}",
            caller.label,
            reply.status,
            reply.body
        );
    }
    for path in ["/healthz", "/login"] {
        assert_eq!(panel.get(path, None).await.status, StatusCode::OK, "{path}");
    }
}

fn setting(name: &str) -> Option<u64> {
    std::env::var(name).ok().map(|v| {
        v.replace('_', "")
            .parse()
            .unwrap_or_else(|_| panic!("{name}: a number"))
    })
}

#[tokio::test]
async fn no_request_is_a_5xx_or_a_panic() {
    let cases = setting("POSTMASTER_FUZZ_CASES").unwrap_or(5_000);
    let seed = setting("POSTMASTER_FUZZ_SEED").unwrap_or_else(rand::random);
    println!("request fuzzer: {cases} cases per database, seed {seed}");
    for panel in both().await {
        let started = std::time::Instant::now();
        fuzz(&panel, cases, seed).await;
        println!(
            "request fuzzer: {cases} cases on {} in {:.1} s, no 5xx, no panic",
            panel.database_url.split(':').next().unwrap_or("?"),
            started.elapsed().as_secs_f64()
        );
    }
}
