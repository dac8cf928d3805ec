//! Whatever a client sends, the panel answers with a 4xx and its own error shape, never a 500:
//! arguments that don't decode, bodies too large or of another kind, bytes that are not text,
//! control characters; and a form posted without JavaScript gets the refusal back in its URL.
use crate::support::panel::{both, panel, Panel, Reply};
use app::error::{AppError, ErrorCode, RequestProblem};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use leptos::server_fn::error::{FromServerFnError, ServerFnUrlError};

const FORM: &str = "application/x-www-form-urlencoded";

async fn post(panel: &Panel, path: &str, kind: &str, body: impl Into<Body>, cookie: &str) -> Reply {
    let req = Request::post(format!("/api/{path}"))
        .header(header::CONTENT_TYPE, kind)
        .header(header::ACCEPT, "application/json")
        .header("sec-fetch-site", "same-origin")
        .header(header::COOKIE, cookie)
        .body(body.into())
        .unwrap();
    panel.send(req).await
}

fn error_of(reply: &Reply) -> AppError {
    serde_json::from_str(&reply.body)
        .unwrap_or_else(|e| panic!("{} is not an AppError ({e}): {}", reply.status, reply.body))
}

/// A new user's form, with `name` as its display name (already percent-encoded).
fn new_user(domain: i64, name: &str) -> String {
    format!(
        "form[domain]={domain}&form[username]=ann&form[name]={name}\
         &form[password]=quartz+meadow+tumble+7&form[password_confirm]=quartz+meadow+tumble+7\
         &form[quota_gb]=1&form[account_type]=basic"
    )
}

async fn first_domain(panel: &Panel) -> i64 {
    let org = panel.organisation().await;
    panel.store.list_domains(org).await.unwrap()[0].id
}

#[tokio::test]
async fn arguments_that_do_not_decode_are_a_400() {
    let panel = panel().await;
    let admin = panel.admin_session().await;
    for (path, body) in [
        ("users/create", "form[domain]=first&form[username]=ann"),
        ("users/update", ""),
        ("domains/remove", "form[id]=1.5"),
        ("users/sign_out", "form[user]=9999999999999999999999"),
        ("users/list", "query[sort]=sideways"),
        ("users/delete", "form=1"),
    ] {
        let reply = post(&panel, path, FORM, body, &admin).await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{path} {body}: {}",
            reply.body
        );
        assert_eq!(
            error_of(&reply),
            AppError::BadRequest(RequestProblem::Undecodable),
            "{path}"
        );
    }
}

#[tokio::test]
async fn bodies_of_another_kind_or_method_are_refused_with_their_status() {
    let panel = panel().await;
    let admin = panel.admin_session().await;
    for kind in [
        "application/json",
        "multipart/form-data; boundary=x",
        "text/plain",
        "",
    ] {
        let reply = post(&panel, "users/create", kind, r#"{"form":{}}"#, &admin).await;
        assert_eq!(reply.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{kind}");
        assert_eq!(
            error_of(&reply),
            AppError::BadRequest(RequestProblem::UnsupportedType)
        );
    }
    // A function without arguments may be asked with no body at all, and so of no kind.
    let bare = Request::post("/api/auth/whoami")
        .header("sec-fetch-site", "same-origin")
        .header(header::COOKIE, &admin)
        .body(Body::empty())
        .unwrap();
    assert_eq!(panel.send(bare).await.status, StatusCode::OK);
    let get = panel.get("/api/users/create", Some(&admin)).await;
    assert_eq!(get.status, StatusCode::METHOD_NOT_ALLOWED, "{}", get.body);
    assert_eq!(
        error_of(&get),
        AppError::BadRequest(RequestProblem::WrongMethod)
    );
    let nowhere = post(&panel, "users/nothing_here", FORM, "", &admin).await;
    assert_eq!(nowhere.status, StatusCode::NOT_FOUND);
    assert_eq!(error_of(&nowhere), AppError::NotFound);
}

#[tokio::test]
async fn bodies_over_their_limit_get_413_before_they_are_read() {
    let panel = panel().await;
    let admin = panel.admin_session().await;
    // Said by its length: refused before a byte of it is read (this body has none).
    let req = Request::post("/api/users/create")
        .header(header::CONTENT_TYPE, FORM)
        .header(header::CONTENT_LENGTH, "50000000")
        .header("sec-fetch-site", "same-origin")
        .header(header::COOKIE, &admin)
        .body(Body::empty())
        .unwrap();
    let announced = panel.send(req).await;
    assert_eq!(announced.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        error_of(&announced),
        AppError::BadRequest(RequestProblem::TooLarge)
    );
    // Sent in chunks, with no length: found on the way.
    let chunks = futures_stream(300 * 1024);
    let streamed = post(
        &panel,
        "users/create",
        FORM,
        Body::from_stream(chunks),
        &admin,
    )
    .await;
    assert_eq!(streamed.status, StatusCode::PAYLOAD_TOO_LARGE);

    // A CSV file: past 1,000 lines the import's own rule answers, up to the upload's limit.
    let line = "person{n}@council.test,Person {n},quartz meadow tumble 7,1\n";
    let csv: String = std::iter::once("email,name,password,quota_gb\n".to_owned())
        .chain((0..5_000).map(|n| line.replace("{n}", &n.to_string())))
        .collect();
    let body = form_urlencoded::Serializer::new(String::new())
        .append_pair("form[csv]", &csv)
        .finish();
    assert!(body.len() > 256 * 1024, "larger than a form may be");
    let many = post(&panel, "users/import/check", FORM, body, &admin).await;
    assert_eq!(many.status, StatusCode::BAD_REQUEST, "{}", many.body);
    assert_eq!(
        error_of(&many).field("csv"),
        Some(ErrorCode::CsvTooManyRows(1000))
    );
    let huge = "x".repeat(5 * 1024 * 1024);
    let over = post(
        &panel,
        "users/import/check",
        FORM,
        format!("form[csv]={huge}"),
        &admin,
    )
    .await;
    assert_eq!(over.status, StatusCode::PAYLOAD_TOO_LARGE);
}

/// `size` bytes of a form field, in chunks of 16 KB, with no length said in advance.
fn futures_stream(size: usize) -> impl futures::Stream<Item = Result<Vec<u8>, std::io::Error>> {
    let mut chunks = vec![b"form[name]=".to_vec()];
    chunks.extend((0..size / 16_384).map(|_| vec![b'a'; 16_384]));
    futures::stream::iter(chunks.into_iter().map(Ok))
}

#[tokio::test]
async fn control_characters_and_bytes_that_are_not_text_are_field_errors() {
    for panel in both().await {
        let admin = panel.admin_session().await;
        let domain = first_domain(&panel).await;
        for (name, code) in [
            ("A%00nn", ErrorCode::ControlCharacter),
            ("Ann%0AO%27Neil", ErrorCode::ControlCharacter),
            ("Ann%1B%5B31m", ErrorCode::ControlCharacter),
            ("Ann%7F", ErrorCode::ControlCharacter),
            ("Ann%FF%FE", ErrorCode::NotText),
            ("Ann%C3", ErrorCode::NotText),
        ] {
            let reply = post(&panel, "users/create", FORM, new_user(domain, name), &admin).await;
            assert_eq!(
                reply.status,
                StatusCode::BAD_REQUEST,
                "{name}: {}",
                reply.body
            );
            assert_eq!(error_of(&reply).field("name"), Some(code), "{name}");
        }
        let ann = app::model::EmailAddress::parse("ann@council.test").unwrap();
        assert!(
            panel.store.find_login(&ann).await.unwrap().is_none(),
            "nothing was stored"
        );
        // Text, in any script, is text.
        let fine = post(
            &panel,
            "users/create",
            FORM,
            new_user(domain, "Ann+%C3%93+N%C3%A9ill+%E6%9D%8E"),
            &admin,
        )
        .await;
        assert_eq!(fine.status, StatusCode::OK, "{}", fine.body);
        let stored = panel.store.find_login(&ann).await.unwrap().unwrap();
        let user = panel
            .store
            .get_user(stored.organisation_id, stored.user_id)
            .await
            .unwrap();
        assert_eq!(user.name, "Ann Ó Néill 李");

        // A text box takes line breaks; a single line does not.
        let reply = post(
            &panel,
            "auto_reply/set",
            FORM,
            "form[enabled]=on&form[subject]=Away&form[message]=Back+on+Monday.%0D%0AAnn",
            &admin,
        )
        .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        let reply = post(
            &panel,
            "auto_reply/set",
            FORM,
            "form[enabled]=on&form[subject]=Away%0ABcc:+x@y.test&form[message]=Back",
            &admin,
        )
        .await;
        assert_eq!(
            error_of(&reply).field("subject"),
            Some(ErrorCode::ControlCharacter)
        );
    }
}

#[tokio::test]
async fn a_search_may_hold_any_text() {
    for panel in both().await {
        let admin = panel.admin_session().await;
        panel.add_users(&admin, &["ann", "bob"]).await;
        for search in [
            "\"",
            "'",
            "*",
            "a*",
            "(",
            ")",
            "\"ann",
            "ann OR bob",
            "NEAR(ann bob)",
            "^ann",
            "%",
            "_",
            "\\",
            "\\%",
            "a-b",
            ":",
            "ann:",
            "-",
            "--",
            "/*",
            ";",
            "{",
            "[",
            "]",
            "é",
            "李",
            "🙂",
            "a\u{200b}b",
            " ",
            "",
            "ab",
            "a",
            &"z".repeat(500),
        ] {
            let reply = panel
                .call("users/list", &[("query[search]", search)], Some(&admin))
                .await;
            assert_eq!(
                reply.status,
                StatusCode::OK,
                "search {search:?}: {}",
                reply.body
            );
        }
        for search in ["\0", "a\0b", "\u{7}"] {
            let reply = panel
                .call("users/list", &[("query[search]", search)], Some(&admin))
                .await;
            assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{search:?}");
            assert_eq!(
                error_of(&reply).field("search"),
                Some(ErrorCode::ControlCharacter)
            );
        }
    }
}

#[tokio::test]
async fn a_form_posted_without_javascript_gets_the_refusal_back_in_its_url() {
    let panel = panel().await;
    let admin = panel.admin_session().await;
    let domain = first_domain(&panel).await;
    let req = Request::post("/api/users/create")
        .header(header::CONTENT_TYPE, FORM)
        .header(header::ACCEPT, "text/html")
        .header(header::REFERER, "http://127.0.0.1:3000/users/new")
        .header("sec-fetch-site", "same-origin")
        .header(header::COOKIE, &admin)
        .body(Body::from(new_user(domain, "A%00nn")))
        .unwrap();
    let reply = panel.send(req).await;
    assert_eq!(reply.status, StatusCode::FOUND);
    let location = url::Url::parse(reply.location().unwrap()).unwrap();
    assert_eq!(location.path(), "/users/new");
    let pairs: std::collections::HashMap<_, _> = location.query_pairs().collect();
    assert_eq!(pairs["__path"], "/api/users/create");
    let error: AppError = ServerFnUrlError::<AppError>::decode_err(&pairs["__err"]);
    assert_eq!(error.field("name"), Some(ErrorCode::ControlCharacter));
    // The error the page then shows is the same one a JavaScript client gets.
    let _ = error.ser();
}

#[tokio::test]
async fn a_page_asked_for_without_a_session_redirects_to_sign_in() {
    let panel = panel().await;
    for path in [
        "/users",
        "/users/new",
        "/account/password",
        "/settings",
        "/audit",
    ] {
        for accept in [Some("text/html"), None] {
            let mut req = Request::get(path);
            if let Some(accept) = accept {
                req = req.header(header::ACCEPT, accept);
            }
            let reply = panel.send(req.body(Body::empty()).unwrap()).await;
            assert_eq!(reply.status, StatusCode::SEE_OTHER, "{path} ({accept:?})");
            assert_eq!(reply.location(), Some("/login"), "{path}");
        }
    }
}
