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
