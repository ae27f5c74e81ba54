//! A provider's answer about a user, read through a [`FieldMap`] into one [`Profile`] shape.

use serde_json::Value;

use crate::config::auth::FieldMap;

/// Who signed in, as the provider describes them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    /// The provider's stable id for the account.
    pub subject: String,
    /// Display name.
    pub name: String,
    /// Picture URL at the provider.
    pub avatar_url: Option<String>,
    /// Profile page.
    pub profile_url: Option<String>,
    /// Email address (never published).
    pub email: Option<String>,
    /// Whether the provider verified the address.
    pub email_verified: bool,
}

/// The longest display name kept from a provider (longer ones are cut).
const MAX_NAME_CHARS: usize = 80;

impl Profile {
    /// Reads a profile from a provider's JSON; `None` when it has no usable id.
    pub fn from_json(json: &Value, fields: &FieldMap) -> Option<Self> {
        let subject = read(json, &fields.id).filter(|s| !s.is_empty() && s.len() <= 255)?;
        let name = read(json, &fields.name)
            .map(|n| clean_name(&n))
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| subject.clone());
        let optional = |path: &Option<String>| path.as_deref().and_then(|p| read(json, p));
        Some(Self {
            name: clean_name(&name),
            avatar_url: optional(&fields.avatar).filter(|u| is_web_url(u)),
            profile_url: optional(&fields.url).filter(|u| is_web_url(u)),
            email: optional(&fields.email).filter(|e| e.contains('@')),
            email_verified: optional(&fields.email_verified).is_some_and(|v| v == "true"),
            subject,
        })
    }
}

/// One line of text, at most [`MAX_NAME_CHARS`] characters.
pub fn clean_name(raw: &str) -> String {
    raw.split_whitespace()
        .map(|w| w.chars().filter(|c| !c.is_control()).collect::<String>())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(MAX_NAME_CHARS)
        .collect()
}

fn is_web_url(raw: &str) -> bool {
    url::Url::parse(raw).is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.has_host())
}

/// Reads `spec` from `json`: `a|b` is the first of `a`, `b` present; a spec containing `{…}` is a
/// template whose placeholders are paths; otherwise a dotted path.
pub fn read(json: &Value, spec: &str) -> Option<String> {
    if spec.is_empty() {
        return None;
    }
    if spec.contains('{') {
        return template(json, spec);
    }
    spec.split('|').find_map(|path| scalar(json, path))
}

fn template(json: &Value, spec: &str) -> Option<String> {
    let mut out = String::new();
    let mut rest = spec;
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}')? + open;
        out.push_str(&rest[..open]);
        out.push_str(&scalar(json, &rest[open + 1..close])?);
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    Some(out)
}

fn scalar(json: &Value, path: &str) -> Option<String> {
    let value = path
        .split('.')
        .try_fold(json, |node, key| node.get(key.trim()))?;
    match value {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn map(id: &str, name: &str, avatar: &str) -> FieldMap {
        FieldMap {
            id: id.into(),
            name: name.into(),
            avatar: Some(avatar.into()),
            ..FieldMap::default()
        }
    }

    #[test]
    fn github_shaped_users_fall_back_to_the_login() {
        let user =
            json!({"id": 42, "login": "ada", "name": null, "avatar_url": "https://x.test/a.png"});
        let profile = Profile::from_json(&user, &map("id", "name|login", "avatar_url")).unwrap();
        assert_eq!(profile.subject, "42");
        assert_eq!(profile.name, "ada");
        assert_eq!(profile.avatar_url.as_deref(), Some("https://x.test/a.png"));
    }

    #[test]
    fn nested_paths_and_templates() {
        let user = json!({"id": "7", "username": "d", "avatar": "abc", "picture": {"data": {"url": "https://p.test/x"}}});
        assert_eq!(
            read(&user, "https://cdn.test/avatars/{id}/{avatar}.png").as_deref(),
            Some("https://cdn.test/avatars/7/abc.png")
        );
        assert_eq!(
            read(&user, "picture.data.url").as_deref(),
            Some("https://p.test/x")
        );
        assert_eq!(read(&user, "https://cdn.test/{missing}.png"), None);
    }

    #[test]
    fn unusable_answers_are_refused_or_cleaned() {
        assert!(Profile::from_json(&json!({"name": "x"}), &map("id", "name", "a")).is_none());
        let user = json!({"id": 1, "name": "  Evil\u{7}\n Name ", "a": "javascript:alert(1)"});
        let profile = Profile::from_json(&user, &map("id", "name", "a")).unwrap();
        assert_eq!(profile.name, "Evil Name");
        assert_eq!(profile.avatar_url, None);
    }
}
