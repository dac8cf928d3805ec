//! What a client may send to a server function, checked before the function runs: a function
//! that exists, for this method; a form's body (the kind every form posts, or none), no larger
//! than its kind allows; and text in every field. So nothing a client sends is ever a 500:
//! each refusal is a 4xx with the panel's `AppError`, and a form posted without JavaScript gets
//! it back in the URL, where the page shows it next to the form.
use app::api::form::{allowed_in, field_of};
use app::error::{AppError, ErrorCode, FieldErrors, RequestProblem};
use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use leptos::server_fn::error::{FromServerFnError, ServerFnUrlError};

/// A form's body: far more than any form holds (a list of a few thousand members fits).
pub const FORM_LIMIT: usize = 256 * 1024;
/// A CSV file's: 1,000 lines of the longest fields, percent-encoded.
pub const UPLOAD_LIMIT: usize = 4 * 1024 * 1024;
/// The server functions that take a file's content.
const UPLOADS: &[&str] = &["/api/users/import/check"];
/// The largest error a server function answers with (its `AppError` as JSON).
const ERROR_LIMIT: usize = 64 * 1024;

pub async fn check(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    if !path.starts_with("/api/") {
        return next.run(req).await;
    }
    let referer = form_post_referer(req.headers());
    let refuse = |error: AppError| refusal(&path, referer.as_deref(), error);
    let method = req.method().clone();
    if leptos::server_fn::axum::get_server_fn_service(&path, method.clone()).is_none() {
        let other = if method == Method::GET {
            Method::POST
        } else {
            Method::GET
        };
        return refuse(
            match leptos::server_fn::axum::get_server_fn_service(&path, other) {
                Some(_) => AppError::BadRequest(RequestProblem::WrongMethod),
                None => AppError::NotFound,
            },
        );
    }
    if let Err(error) = text_of(req.uri().query().unwrap_or_default().as_bytes()) {
        return refuse(error);
    }
    let req = if method == Method::POST {
        let limit = if UPLOADS.contains(&path.as_str()) {
            UPLOAD_LIMIT
        } else {
            FORM_LIMIT
        };
        let (parts, body) = req.into_parts();
        let bytes = match body_within(&parts.headers, body, limit).await {
            Ok(bytes) => bytes,
            Err(problem) => return refuse(AppError::BadRequest(problem)),
        };
        // A function without arguments may be asked with no body, and then of no kind.
        if !bytes.is_empty() && !is_form(&parts.headers) {
            return refuse(AppError::BadRequest(RequestProblem::UnsupportedType));
        }
        if let Err(error) = text_of(&bytes) {
            return refuse(error);
        }
        Request::from_parts(parts, Body::from(bytes))
    } else {
        req
    };
    with_the_status_of_its_error(next.run(req).await).await
}

/// The body, unless it is larger than `limit`: said by its length before a byte is read, or
/// found on the way for a body sent in chunks.
async fn body_within(
    headers: &HeaderMap,
    body: Body,
    limit: usize,
) -> Result<Bytes, RequestProblem> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit as u64) {
        return Err(RequestProblem::TooLarge);
    }
    axum::body::to_bytes(body, limit).await.map_err(|error| {
        let too_large = std::error::Error::source(&error)
            .is_some_and(|cause| cause.is::<http_body_util::LengthLimitError>());
        if too_large {
            RequestProblem::TooLarge
        } else {
            RequestProblem::Undecodable
        }
    })
}

fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|kind| {
            kind.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
}

/// Every field of a form body or query string is text (UTF-8), without control characters but
/// line breaks in a text box; the refusal names each field that is not.
fn text_of(encoded: &[u8]) -> Result<(), AppError> {
    let mut errors = FieldErrors::default();
    for pair in encoded.split(|b| *b == b'&').filter(|p| !p.is_empty()) {
        let (key, value) = match pair.iter().position(|b| *b == b'=') {
            Some(at) => (&pair[..at], &pair[at + 1..]),
            None => (pair, &[][..]),
        };
        let Some(key) = decoded(key) else {
            errors.add("form", ErrorCode::NotText);
            continue;
        };
        let field = field_of(&key);
        match decoded(value) {
            None => errors.add(field, ErrorCode::NotText),
            Some(text) if !text.chars().all(|c| allowed_in(field, c)) => {
                errors.add(field, ErrorCode::ControlCharacter)
            }
            Some(_) => {}
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Invalid(errors))
    }
}

/// A field as `application/x-www-form-urlencoded` writes it (`+` for a space), if it is UTF-8.
fn decoded(encoded: &[u8]) -> Option<String> {
    let spaced: Vec<u8> = encoded
        .iter()
        .map(|b| if *b == b'+' { b' ' } else { *b })
        .collect();
    percent_encoding::percent_decode(&spaced)
        .decode_utf8()
        .ok()
        .map(|text| text.into_owned())
}

/// A form the browser posted itself (before the WASM loaded): where it came from.
fn form_post_referer(headers: &HeaderMap) -> Option<String> {
    let accepts_html = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));
    accepts_html
        .then(|| {
            headers
                .get(header::REFERER)?
                .to_str()
                .ok()
                .map(str::to_owned)
        })
        .flatten()
}

/// The refusal of a request to the server function at `req`'s path, as `refusal` gives it.
pub fn refuse_call(req: &Request, error: AppError) -> Response {
    let referer = form_post_referer(req.headers());
    refusal(req.uri().path(), referer.as_deref(), error)
}

/// The refusal as the function's own errors are given: to a form posted by the browser, a
/// redirect back with the error in the URL; to the WASM client, the error with its status.
fn refusal(path: &str, referer: Option<&str>, error: AppError) -> Response {
    if let Some(url) =
        referer.and_then(|r| ServerFnUrlError::new(path, error.clone()).to_url(r).ok())
    {
        return (StatusCode::FOUND, [(header::LOCATION, url.to_string())]).into_response();
    }
    let status = StatusCode::from_u16(error.http_status()).unwrap_or(StatusCode::BAD_REQUEST);
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        error.ser(),
    )
        .into_response()
}

/// A server function answers an error it did not give a status to (arguments that did not
/// decode, caught by `server_fn` before the function ran) with 500: the error's own status.
async fn with_the_status_of_its_error(response: Response) -> Response {
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, ERROR_LIMIT).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        if let Ok(status) = StatusCode::from_u16(error.http_status()) {
            parts.status = status;
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_text_without_control_characters() {
        assert!(text_of(b"form[name]=Ann+O%27Neil&form[message]=Hi%0D%0Athere").is_ok());
        assert!(text_of(b"").is_ok());
        let refused = text_of(b"form[name]=A%00nn&form[members]=a%0Ab&form[city]=%FF").unwrap_err();
        assert_eq!(refused.field("name"), Some(ErrorCode::ControlCharacter));
        assert_eq!(
            refused.field("members"),
            None,
            "a text box takes line breaks"
        );
        assert_eq!(refused.field("city"), Some(ErrorCode::NotText));
        let refused = text_of(b"query[search]=a%0Ab").unwrap_err();
        assert_eq!(refused.field("search"), Some(ErrorCode::ControlCharacter));
    }
}
