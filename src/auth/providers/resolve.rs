//! From configuration to a [`Provider`]: a preset (or none) completed by the operator's
//! `[auth.providers.ID]` table, its URLs checked at start-up, so that a mistake is a
//! configuration error, not a failed sign-in later.

use super::*;

impl Provider {
    pub(super) fn resolve(id: &str, table: &ProviderConfig) -> anyhow::Result<Self> {
        let kind = table.kind.clone().unwrap_or_else(|| id.to_string());
        let preset = presets::find(&kind);
        let fill = |text: &str| {
            text.replace(
                "{base_url}",
                table
                    .base_url
                    .as_deref()
                    .or(preset.map(|p| p.base_url))
                    .unwrap_or_default()
                    .trim_end_matches('/'),
            )
            .replace(
                "{tenant}",
                table
                    .tenant
                    .as_deref()
                    .or(preset.map(|p| p.tenant))
                    .unwrap_or_default(),
            )
        };
        let url = |key: &str, own: &Option<String>, preset: Option<&str>| -> anyhow::Result<Url> {
            let raw = own
                .clone()
                .or(preset.map(fill))
                .with_context(|| format!("{key} is required"))?;
            let url = Url::parse(&raw).with_context(|| format!("{key} {raw:?} is not a URL"))?;
            if !matches!(url.scheme(), "http" | "https") {
                bail!("{key} must be http(s)");
            }
            Ok(url)
        };
        let mut client_auth = AuthType::BasicAuth;
        let protocol = match (kind.as_str(), preset.map(|p| p.protocol)) {
            ("oidc", _) | (_, Some(PresetProtocol::Oidc { .. })) => {
                let preset_issuer = match preset.map(|p| p.protocol) {
                    Some(PresetProtocol::Oidc { issuer }) => Some(issuer),
                    _ => None,
                };
                let issuer = url("issuer", &table.issuer, preset_issuer)?;
                Protocol::Oidc {
                    issuer: IssuerUrl::new(issuer.as_str().trim_end_matches('/').to_string())?,
                    metadata: RwLock::new(None),
                }
            }
            ("oauth2", _) | (_, Some(PresetProtocol::OAuth2 { .. })) => {
                let (auth, token, user, fields, auth_style) = match preset.map(|p| p.protocol) {
                    Some(PresetProtocol::OAuth2 {
                        auth_url,
                        token_url,
                        userinfo_url,
                        fields,
                        client_auth,
                    }) => (
                        Some(auth_url),
                        Some(token_url),
                        Some(userinfo_url),
                        Some(field_map(fields)),
                        client_auth,
                    ),
                    _ => (None, None, None, None, "basic"),
                };
                if table.client_auth.as_deref().unwrap_or(auth_style) == "post" {
                    client_auth = AuthType::RequestBody;
                }
                let fields = table
                    .fields
                    .clone()
                    .or(fields)
                    .context("fields (at least id and name) are required")?;
                if fields.id.is_empty() {
                    bail!("fields.id is required");
                }
                Protocol::OAuth2(Box::new(Endpoints {
                    auth_url: url("auth_url", &table.auth_url, auth)?,
                    token_url: url("token_url", &table.token_url, token)?,
                    userinfo_url: url("userinfo_url", &table.userinfo_url, user)?,
                    fields,
                }))
            }
            (_, Some(PresetProtocol::Mastodon)) => {
                client_auth = AuthType::RequestBody;
                Protocol::Mastodon
            }
            (other, None) => bail!(
                "unknown kind {other:?}: use oidc, oauth2 or one of {}",
                presets::PRESETS
                    .iter()
                    .map(|p| p.kind)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        if table.client_auth.as_deref() == Some("basic") {
            client_auth = AuthType::BasicAuth;
        }
        let client_id = match &protocol {
            Protocol::Mastodon => String::new(),
            _ => table
                .client_id
                .clone()
                .filter(|c| !c.is_empty())
                .context("client_id is required")?,
        };
        let scopes = table.scopes.clone().unwrap_or_else(|| {
            preset
                .map(|p| p.scopes.iter().map(|s| s.to_string()).collect())
                .unwrap_or_else(|| match protocol {
                    Protocol::Oidc { .. } => {
                        vec!["openid".into(), "profile".into(), "email".into()]
                    }
                    _ => Vec::new(),
                })
        });
        Ok(Self {
            id: id.to_string(),
            name: table
                .name
                .clone()
                .or(preset.map(|p| p.name.to_string()))
                .unwrap_or_else(|| id.to_string()),
            icon: preset.map_or(kind.clone(), |p| p.kind.to_string()),
            client_id,
            client_secret: table.client_secret.clone(),
            scopes,
            client_auth,
            protocol,
        })
    }
}
