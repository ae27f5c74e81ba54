//! The request fields and query parameters serde reads are exactly the documented ones. The
//! names come from the `Deserialize` impls themselves: a derived impl hands its field list to
//! `deserialize_struct`, which [`Introspect`] records (renames included).

use std::collections::BTreeSet;

use replybox::api::comments::ThreadQuery;
use replybox::api::counts::CountsInput;
use replybox::api::editing::EditInput;
use replybox::api::flags::FlagInput;
use replybox::api::moderation::ModerationInput;
use replybox::api::preview::PreviewInput;
use replybox::api::reader_data::DeleteInput;
use replybox::api::session::SessionQuery;
use replybox::auth::exchange::ExchangeInput;
use replybox::auth::flow::{CallbackQuery, StartQuery};
use replybox::comments::{CommentInput, GuestInput};
use serde::de::{self, Deserialize, Deserializer, Visitor};

use super::contract::{operation, resolve};

/// A deserializer that only asks a struct for its field names.
#[derive(Default)]
struct Introspect {
    fields: Option<&'static [&'static str]>,
}

impl<'de> Deserializer<'de> for &mut Introspect {
    type Error = de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::custom("not a struct"))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Self::Error> {
        self.fields = Some(fields);
        Err(de::Error::custom("fields recorded"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

/// The field names `T` reads.
fn fields_of<T: for<'de> Deserialize<'de>>() -> BTreeSet<String> {
    let mut introspect = Introspect::default();
    let _ = T::deserialize(&mut introspect);
    let fields = introspect.fields.expect("a derived struct");
    fields.iter().map(|f| f.to_string()).collect()
}

/// The properties of the component schema `name`.
fn properties(name: &str) -> BTreeSet<String> {
    let (_, schema) = resolve(format!("/components/schemas/{name}"));
    assert_eq!(
        schema["additionalProperties"], false,
        "{name} is closed, like serde's"
    );
    schema["properties"]
        .as_object()
        .expect("properties")
        .keys()
        .cloned()
        .collect()
}

/// The query parameters of `method path`.
fn query_parameters(path: &str, method: &str) -> BTreeSet<String> {
    let parameters = operation(path, method)["parameters"].as_array().cloned();
    parameters
        .unwrap_or_default()
        .iter()
        .map(|p| match p.get("$ref").and_then(|r| r.as_str()) {
            Some(target) => resolve(target[1..].to_string()).1.clone(),
            None => p.clone(),
        })
        .filter(|p| p["in"] == "query")
        .map(|p| p["name"].as_str().expect("a name").to_string())
        .collect()
}

/// The component schema `method path`'s JSON body refers to.
fn body_schema(path: &str, method: &str) -> String {
    let body = &operation(path, method)["requestBody"]["content"]["application/json"]["schema"];
    let target = body["$ref"].as_str().expect("a component schema");
    target.rsplit('/').next().expect("a name").to_string()
}

#[test]
fn every_request_body_field_serde_reads_is_documented_and_no_other() {
    for (path, method, name, fields) in [
        (
            "/api/comments",
            "post",
            "CommentInput",
            fields_of::<CommentInput>(),
        ),
        (
            "/api/counts",
            "post",
            "CountsInput",
            fields_of::<CountsInput>(),
        ),
        (
            "/api/comments/{id}/flags",
            "post",
            "FlagInput",
            fields_of::<FlagInput>(),
        ),
        (
            "/api/comments/{id}/moderation",
            "post",
            "ModerationInput",
            fields_of::<ModerationInput>(),
        ),
        (
            "/auth/exchange",
            "post",
            "ExchangeInput",
            fields_of::<ExchangeInput>(),
        ),
        (
            "/api/comments/{id}",
            "patch",
            "EditInput",
            fields_of::<EditInput>(),
        ),
        (
            "/api/preview",
            "post",
            "PreviewInput",
            fields_of::<PreviewInput>(),
        ),
        (
            "/api/me/data",
            "delete",
            "DeleteReaderData",
            fields_of::<DeleteInput>(),
        ),
    ] {
        assert_eq!(
            body_schema(path, method),
            name,
            "{method} {path} takes {name}"
        );
        assert_eq!(properties(name), fields, "{name}'s fields");
    }
    let (_, author) = resolve("/components/schemas/CommentInput/properties/author".into());
    assert_eq!(
        author["oneOf"][1]["$ref"], "#/components/schemas/GuestInput",
        "author is a GuestInput or null"
    );
    assert_eq!(properties("GuestInput"), fields_of::<GuestInput>());
}

#[test]
fn every_query_parameter_serde_reads_is_documented_and_no_other() {
    for (path, method, fields) in [
        ("/api/comments", "get", fields_of::<ThreadQuery>()),
        ("/api/session", "get", fields_of::<SessionQuery>()),
        ("/auth/{provider}/start", "get", fields_of::<StartQuery>()),
        (
            "/auth/{provider}/callback",
            "get",
            fields_of::<CallbackQuery>(),
        ),
    ] {
        assert_eq!(query_parameters(path, method), fields, "{method} {path}");
    }
    for (path, method) in [
        ("/api/counts", "post"),
        ("/api/session", "delete"),
        ("/api/comments/{id}", "delete"),
        ("/api/comments/{id}/likes", "post"),
        ("/api/preview", "post"),
        ("/api/me/data", "get"),
        ("/api/me/data", "delete"),
        ("/healthz", "get"),
    ] {
        assert!(query_parameters(path, method).is_empty(), "{method} {path}");
    }
}
