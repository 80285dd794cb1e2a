//! Deserializers that accept the type drift seen in real exports (`"readOnly": "false"`,
//! epoch-millisecond timestamps as numbers or strings) without accepting arbitrary values.

use serde::{Deserialize, Deserializer, de::Error};

#[derive(Deserialize)]
#[serde(untagged)]
enum BoolOrString {
    Bool(bool),
    String(String),
}

/// `true`/`false` as JSON booleans or as the strings `"true"`/`"false"` (any case).
pub fn opt_bool<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<bool>, D::Error> {
    match Option::<BoolOrString>::deserialize(deserializer) {
        Ok(None) => Ok(None),
        Ok(Some(BoolOrString::Bool(value))) => Ok(Some(value)),
        Ok(Some(BoolOrString::String(text))) => match text.to_ascii_lowercase().as_str() {
            "true" => Ok(Some(true)),
            "false" => Ok(Some(false)),
            _ => Err(D::Error::custom(format!("expected a boolean, found `{text}`"))),
        },
        Err(_) => Err(D::Error::custom("expected a boolean")),
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum StringOrNumber {
    String(String),
    Number(serde_json::Number),
}

/// A string, or a number kept as its decimal text (timestamps arrive both ways).
pub fn opt_string_or_number<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    match Option::<StringOrNumber>::deserialize(deserializer) {
        Ok(None) => Ok(None),
        Ok(Some(StringOrNumber::String(text))) => Ok(Some(text)),
        Ok(Some(StringOrNumber::Number(number))) => Ok(Some(number.to_string())),
        Err(_) => Err(D::Error::custom("expected a string or a number")),
    }
}

/// A string borrowed from the input when it has no escapes, copied otherwise. (serde's own
/// `Cow<str>` always copies outside derived structs.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text<'a>(pub std::borrow::Cow<'a, str>);

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl<'de> serde::de::Visitor<'de> for TextVisitor {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Text(std::borrow::Cow::Borrowed(v)))
            }
            fn visit_str<E: Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Text(std::borrow::Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Text(std::borrow::Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(TextVisitor)
    }
}

/// An optional structure that must be a JSON object: serde would otherwise read an array as a
/// structure whose members are all absent, and an absent switch reads as its default, "off".
pub fn opt_object<'de, D: Deserializer<'de>, T: serde::de::DeserializeOwned>(
    deserializer: D,
) -> Result<Option<T>, D::Error> {
    match Option::<serde_json::Value>::deserialize(deserializer)? {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(value @ serde_json::Value::Object(_)) => serde_json::from_value(value).map(Some).map_err(D::Error::custom),
        Some(_) => Err(D::Error::custom("expected an object")),
    }
}
