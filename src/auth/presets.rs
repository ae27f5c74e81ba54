//! The providers replybox knows by name, as data: endpoints, scopes and where the user's id,
//! name, picture, profile page and email are found in the provider's answer. `{base_url}` and
//! `{tenant}` are filled from the provider's config table; a field like `a|b` tries `a`, then
//! `b`; `{id}`-style templates build a value from several fields (Discord's avatar URL).

/// How a preset talks to its provider.
#[derive(Debug, Clone, Copy)]
pub enum PresetProtocol {
    /// OpenID Connect with discovery from this issuer.
    Oidc {
        /// Issuer URL (may contain `{tenant}`).
        issuer: &'static str,
    },
    /// Plain OAuth2 and a user endpoint.
    OAuth2 {
        /// Authorization endpoint.
        auth_url: &'static str,
        /// Token endpoint.
        token_url: &'static str,
        /// User endpoint.
        userinfo_url: &'static str,
        /// id, name, avatar, url, email, email_verified.
        fields: [&'static str; 6],
        /// `basic` or `post`.
        client_auth: &'static str,
    },
    /// Mastodon: OAuth2 against the instance the reader names, with an app registered on it.
    Mastodon,
}

/// A provider replybox knows by name.
#[derive(Debug, Clone, Copy)]
pub struct Preset {
    /// The `kind` that selects it.
    pub kind: &'static str,
    /// The button label.
    pub name: &'static str,
    /// Endpoints and field mapping.
    pub protocol: PresetProtocol,
    /// Default scopes.
    pub scopes: &'static [&'static str],
    /// Default `base_url` (for `{base_url}`).
    pub base_url: &'static str,
    /// Default `tenant` (for `{tenant}`).
    pub tenant: &'static str,
}

const OIDC_SCOPES: &[&str] = &["openid", "profile", "email"];

/// Every preset.
pub const PRESETS: &[Preset] = &[
    Preset {
        kind: "github",
        name: "GitHub",
        protocol: PresetProtocol::OAuth2 {
            auth_url: "https://github.com/login/oauth/authorize",
            token_url: "https://github.com/login/oauth/access_token",
            userinfo_url: "https://api.github.com/user",
            fields: ["id", "name|login", "avatar_url", "html_url", "email", ""],
            client_auth: "post",
        },
        scopes: &["read:user"],
        base_url: "",
        tenant: "",
    },
    Preset {
        kind: "gitlab",
        name: "GitLab",
        protocol: PresetProtocol::OAuth2 {
            auth_url: "{base_url}/oauth/authorize",
            token_url: "{base_url}/oauth/token",
            userinfo_url: "{base_url}/api/v4/user",
            fields: ["id", "name|username", "avatar_url", "web_url", "email", ""],
            client_auth: "post",
        },
        scopes: &["read_user"],
        base_url: "https://gitlab.com",
        tenant: "",
    },
    Preset {
        kind: "google",
        name: "Google",
        protocol: PresetProtocol::Oidc {
            issuer: "https://accounts.google.com",
        },
        scopes: OIDC_SCOPES,
        base_url: "",
        tenant: "",
    },
    Preset {
        kind: "microsoft",
        name: "Microsoft",
        // `common` publishes a templated issuer that no id_token carries: configure a tenant
        // id, or `consumers` (personal accounts, whose tenant id is fixed) instead.
        protocol: PresetProtocol::Oidc {
            issuer: "https://login.microsoftonline.com/{tenant}/v2.0",
        },
        scopes: OIDC_SCOPES,
        base_url: "",
        tenant: "9188040d-6c67-4c5b-b112-36a304b66dad",
    },
    Preset {
        kind: "facebook",
        name: "Facebook",
        protocol: PresetProtocol::OAuth2 {
            auth_url: "https://www.facebook.com/v19.0/dialog/oauth",
            token_url: "https://graph.facebook.com/v19.0/oauth/access_token",
            userinfo_url: "https://graph.facebook.com/me?fields=id,name,picture,link,email",
            fields: ["id", "name", "picture.data.url", "link", "email", ""],
            client_auth: "post",
        },
        scopes: &["public_profile"],
        base_url: "",
        tenant: "",
    },
    Preset {
        kind: "x",
        name: "X",
        protocol: PresetProtocol::OAuth2 {
            auth_url: "https://twitter.com/i/oauth2/authorize",
            token_url: "https://api.twitter.com/2/oauth2/token",
            userinfo_url: "https://api.twitter.com/2/users/me?user.fields=profile_image_url,url",
            fields: [
                "data.id",
                "data.name|data.username",
                "data.profile_image_url",
                "https://x.com/{data.username}",
                "",
                "",
            ],
            client_auth: "basic",
        },
        scopes: &["users.read", "tweet.read"],
        base_url: "",
        tenant: "",
    },
    Preset {
        kind: "discord",
        name: "Discord",
        protocol: PresetProtocol::OAuth2 {
            auth_url: "https://discord.com/oauth2/authorize",
            token_url: "https://discord.com/api/oauth2/token",
            userinfo_url: "https://discord.com/api/users/@me",
            fields: [
                "id",
                "global_name|username",
                "https://cdn.discordapp.com/avatars/{id}/{avatar}.png",
                "",
                "email",
                "verified",
            ],
            client_auth: "post",
        },
        scopes: &["identify", "email"],
        base_url: "",
        tenant: "",
    },
    Preset {
        kind: "wordpress",
        name: "WordPress.com",
        protocol: PresetProtocol::OAuth2 {
            auth_url: "https://public-api.wordpress.com/oauth2/authorize",
            token_url: "https://public-api.wordpress.com/oauth2/token",
            userinfo_url: "https://public-api.wordpress.com/rest/v1/me",
            fields: [
                "ID",
                "display_name|username",
                "avatar_URL",
                "profile_URL",
                "email",
                "email_verified",
            ],
            client_auth: "post",
        },
        scopes: &["auth"],
        base_url: "",
        tenant: "",
    },
    Preset {
        kind: "mastodon",
        name: "Mastodon",
        protocol: PresetProtocol::Mastodon,
        scopes: &["read:accounts"],
        base_url: "",
        tenant: "",
    },
];

/// The Mastodon account fields (`/api/v1/accounts/verify_credentials`).
pub const MASTODON_FIELDS: [&str; 6] = [
    "id",
    "display_name|username",
    "avatar_static|avatar",
    "url",
    "",
    "",
];

/// The preset for a `kind`, if replybox knows it.
pub fn find(kind: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|preset| preset.kind == kind)
}
