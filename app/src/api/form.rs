//! What every form shares on the wire. A server function posted by a form takes one struct,
//! `form`, so its fields arrive as `form[field]`: the same names whether the browser posts the
//! form itself (no WASM yet) or the client stub encodes the struct.
use serde::{Deserialize, Deserializer, Serialize};

/// `Debug` for a form that holds a password: the server function's arguments must be `Debug`,
/// and a password must never reach a log, so it shows the form's name only.
macro_rules! debug_without_values {
    ($form:ident) => {
        impl std::fmt::Debug for $form {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(concat!(stringify!($form), " { .. }"))
            }
        }
    };
}
pub(crate) use debug_without_values;

/// The name a form's input posts under for the field `field`.
pub fn field_name(field: &str) -> String {
    format!("form[{field}]")
}

/// The fields a text box (`TextAreaField`) posts: a CSV file, members, forwarding addresses, an
/// automatic reply. Line breaks and tabs are text there, and nowhere else.
pub const MULTI_LINE_FIELDS: &[&str] = &["csv", "members", "addresses", "message"];

/// The field a name on the wire belongs to: `form[name]` is `name`, `form[end][0]` is `end`,
/// `query[search]` is `search`, `id` is `id`.
pub fn field_of(key: &str) -> &str {
    match key.split_once('[') {
        Some((_, rest)) => rest.split(']').next().unwrap_or(rest),
        None => key,
    }
}

/// Whether `c` may stand in a field's text: no control character (NUL, escape, DEL...), but
/// line breaks and tabs in a multi-line field.
pub fn allowed_in(field: &str, c: char) -> bool {
    !c.is_control() || (matches!(c, '\n' | '\r' | '\t') && MULTI_LINE_FIELDS.contains(&field))
}

/// A form whose only field is the record it acts on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdForm {
    pub id: i64,
}

/// A checkbox: the browser sends `on` (or the input's value) when it is ticked and nothing when
/// it is not; the client stub sends the `bool` it read back. Use with `#[serde(default)]`.
pub fn ticked<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    let value = String::deserialize(deserializer)?;
    Ok(!matches!(value.as_str(), "" | "false" | "0" | "off"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_name_their_field() {
        assert_eq!(field_of("form[name]"), "name");
        assert_eq!(field_of("form[end][0]"), "end");
        assert_eq!(field_of("query[search]"), "search");
        assert_eq!(field_of("id"), "id");
    }

    #[test]
    fn line_breaks_are_text_only_in_text_boxes() {
        assert!(allowed_in("message", '\n') && allowed_in("csv", '\t'));
        assert!(!allowed_in("name", '\n') && !allowed_in("name", '\t'));
        for c in ['\0', '\u{7}', '\u{1b}', '\u{7f}', '\u{85}'] {
            assert!(!allowed_in("message", c), "{c:?}");
        }
        assert!(allowed_in("name", 'é') && allowed_in("name", ' '));
    }

    #[derive(Debug, Deserialize, Serialize, PartialEq)]
    struct Choice {
        #[serde(default, deserialize_with = "ticked")]
        keep: bool,
        #[serde(default)]
        end: Vec<i64>,
    }

    fn read(query: &str) -> Choice {
        serde_qs::Config::new(5, false)
            .deserialize_str(query)
            .unwrap()
    }

    #[test]
    fn reads_a_checkbox_as_the_browser_and_the_stub_send_it() {
        assert!(read("keep=on").keep);
        assert!(read("keep=1").keep);
        assert!(!read("").keep);
        let choice = Choice {
            keep: true,
            end: vec![4, 7],
        };
        let sent = serde_qs::to_string(&choice).unwrap();
        assert_eq!(read(&sent), choice);
        let unticked = serde_qs::to_string(&Choice {
            keep: false,
            end: vec![],
        })
        .unwrap();
        assert!(!read(&unticked).keep);
    }

    #[test]
    fn reads_ticked_ids_the_browser_encodes() {
        assert_eq!(read("end%5B0%5D=4&end%5B2%5D=7").end, vec![4, 7]);
    }

    #[test]
    fn a_password_form_never_shows_its_values() {
        let call = crate::api::auth::Login {
            form: crate::api::auth::SignInForm {
                email: "clerk@council.test".into(),
                password: "quartz meadow tumble 7".into(),
            },
        };
        let shown = format!("{call:?}");
        assert!(shown.contains("SignInForm"), "{shown}");
        assert!(
            !shown.contains("quartz") && !shown.contains("clerk"),
            "{shown}"
        );
    }
}
