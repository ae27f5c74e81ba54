//! Reading the contract: operations, `$ref`s, and checking one real answer against it.

use std::sync::LazyLock;

use reqwest::{Response, StatusCode};
use serde_json::{Value, json};

/// The contract as the binary serves it.
pub static SPEC: LazyLock<Value> =
    LazyLock::new(|| serde_json::from_str(replybox::api::openapi::SPEC).expect("the spec is JSON"));

/// The methods an OpenAPI path item may hold.
pub const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// `~` and `/` escaped for a JSON pointer.
fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Follows a local `$ref` (if any) and returns the pointer and the object it names.
pub fn resolve(pointer: String) -> (String, &'static Value) {
    let value = SPEC
        .pointer(&pointer)
        .unwrap_or_else(|| panic!("{pointer} is in the spec"));
    match value.get("$ref").and_then(Value::as_str) {
        Some(target) => resolve(target.strip_prefix('#').expect("a local $ref").to_string()),
        None => (pointer, value),
    }
}

/// The operation object of `method path`.
pub fn operation(path: &str, method: &str) -> &'static Value {
    let pointer = format!("/paths/{}/{method}", escape(path));
    SPEC.pointer(&pointer)
        .unwrap_or_else(|| panic!("{method} {path} is documented"))
}

/// A validator for the schema at `pointer`, with the whole spec as its root so that
/// `#/components/schemas/...` resolves.
fn validator(pointer: &str) -> jsonschema::Validator {
    let mut root = SPEC.clone();
    // A URI fragment: path templates' braces are percent-encoded there.
    let fragment = pointer.replace('{', "%7B").replace('}', "%7D");
    root["$ref"] = json!(format!("#{fragment}"));
    jsonschema::draft202012::new(&root)
        .unwrap_or_else(|err| panic!("the schema at {pointer} compiles: {err}"))
}

/// Asserts that `value` fits the component schema `name`.
pub fn assert_fits(value: &Value, pointer: &str, what: &str) {
    let validator = validator(pointer);
    let errors: Vec<String> = validator
        .iter_errors(value)
        .map(|err| format!("{} at {}", err, err.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{what} breaks the contract ({pointer}):\n{}\n{value:#}",
        errors.join("\n")
    );
}

/// Checks one answer to `method path` against the contract: its status is documented, and so
/// are its content type and required headers, and its body fits the schema. Returns the status
/// and the body (JSON, or the text as a JSON string).
pub async fn check(method: &str, path: &str, response: Response) -> (StatusCode, Value) {
    let status = response.status();
    let what = format!("{method} {path} → {status}");
    let documented = format!(
        "/paths/{}/{method}/responses/{}",
        escape(path),
        status.as_u16()
    );
    assert!(
        SPEC.pointer(&documented).is_some(),
        "{what} is not a documented answer"
    );
    let (answer, spec) = resolve(documented);
    for (name, header) in spec["headers"].as_object().into_iter().flatten() {
        if header["required"] == true {
            assert!(
                response.headers().contains_key(name.as_str()),
                "{what} has no {name}"
            );
        }
    }
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or_default().trim().to_string());
    let text = response.text().await.expect("a body");
    let Some(content_type) = content_type else {
        assert!(spec.get("content").is_none(), "{what} has no content type");
        assert!(
            text.is_empty(),
            "{what} is documented without a body: {text}"
        );
        return (status, Value::Null);
    };
    assert!(
        spec["content"].get(&content_type).is_some(),
        "{what} answers {content_type}, which is not documented"
    );
    let body = if content_type == "application/json" {
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("{what} is JSON: {text}"))
    } else {
        Value::String(text)
    };
    let schema = format!("{answer}/content/{}/schema", escape(&content_type));
    assert_fits(&body, &schema, &what);
    (status, body)
}

/// The validator resolves `$ref`s and closes objects: a comment without `mine` is refused.
#[test]
#[should_panic(expected = "breaks the contract")]
fn a_missing_field_breaks_the_contract() {
    let comment = json!({"id": 1, "parent": null, "html": "", "created": "2024-01-01T00:00:00Z",
        "edited": null, "status": "approved", "moderator": false,
        "author": {"name": "A", "avatar": "/a.svg", "url": null, "provider": null}});
    assert_fits(
        &comment,
        "/components/schemas/Comment",
        "a comment without mine",
    );
}
