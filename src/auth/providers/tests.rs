//! Resolving providers from configuration.

use super::*;

fn resolve(id: &str, toml: &str) -> anyhow::Result<Provider> {
    let table: ProviderConfig = toml_table(toml);
    Provider::resolve(id, &table)
}

fn toml_table(toml: &str) -> ProviderConfig {
    let config =
        crate::config::Config::from_toml(&format!("[auth.providers.p]\n{toml}")).expect("config");
    config.auth.providers["p"].clone()
}

#[test]
fn every_preset_resolves_from_a_client_id_alone() {
    for preset in presets::PRESETS {
        let provider = resolve(preset.kind, "client_id = \"id\"").expect(preset.kind);
        assert_eq!(provider.name, preset.name);
        assert_eq!(provider.icon, preset.kind);
        assert_eq!(provider.needs_instance(), preset.kind == "mastodon");
    }
}

#[test]
fn presets_fill_their_templates_from_the_table() {
    let gitlab = resolve(
        "gitlab",
        "base_url = \"https://git.example.org/\"\nclient_id = \"x\"",
    )
    .unwrap();
    let Protocol::OAuth2(endpoints) = &gitlab.protocol else {
        panic!("gitlab is OAuth2")
    };
    assert_eq!(
        endpoints.userinfo_url.as_str(),
        "https://git.example.org/api/v4/user"
    );
    let microsoft = resolve("microsoft", "tenant = \"contoso\"\nclient_id = \"x\"").unwrap();
    let Protocol::Oidc { issuer, .. } = &microsoft.protocol else {
        panic!("microsoft is OIDC")
    };
    assert_eq!(
        issuer.as_str(),
        "https://login.microsoftonline.com/contoso/v2.0"
    );
}

#[test]
fn incomplete_or_unknown_providers_are_configuration_errors() {
    assert!(resolve("nope", "client_id = \"x\"").is_err());
    assert!(resolve("github", "").is_err(), "client_id is required");
    assert!(resolve("corp", "kind = \"oidc\"\nclient_id = \"x\"").is_err());
    assert!(
        resolve(
            "forge",
            "kind = \"oauth2\"\nclient_id = \"x\"\nauth_url = \"https://f/a\"\ntoken_url = \"https://f/t\"\nuserinfo_url = \"https://f/u\""
        )
        .is_err(),
        "a generic OAuth2 provider needs a field mapping"
    );
}
