//! Requests replybox makes to identity providers: rustls, timeouts, no redirects, and — unless
//! `auth.allow_private_addresses` — no connection to loopback, private, link-local or otherwise
//! internal addresses, whether a URL names them literally or a DNS name resolves to them. A
//! reader can name any Mastodon instance and an operator any issuer, so without this a sign-in
//! could be turned into a request against the host's own network (SSRF).

use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use oauth2::{HttpRequest, HttpResponse};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use url::Url;

/// The largest provider answer replybox reads (profiles, tokens, pictures).
pub const MAX_BODY_BYTES: usize = 512 * 1024;

/// Why an outbound request was not made or failed.
#[derive(Debug, thiserror::Error)]
pub enum OutboundError {
    /// The URL points at an address replybox may not reach.
    #[error("refusing to connect to {0}: not a public address")]
    Refused(String),
    /// The provider could not be reached, timed out, or answered with garbage.
    #[error("provider request failed: {0}")]
    Failed(String),
}

/// The one HTTP client for providers.
#[derive(Debug, Clone)]
pub struct Outbound {
    client: reqwest::Client,
    allow_private: bool,
}

/// The OAuth2 and OpenID Connect libraries send their requests (discovery, code exchange,
/// userinfo) through [`Outbound::send`], with its checks.
impl<'c> oauth2::AsyncHttpClient<'c> for Outbound {
    type Error = OutboundError;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, OutboundError>> + Send + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(self.send(request))
    }
}

impl Outbound {
    /// Builds the client: redirects off, timeouts on, private addresses refused unless allowed.
    pub fn new(allow_private: bool, timeout: Duration) -> anyhow::Result<Self> {
        let mut builder = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(5)))
            .user_agent(concat!("replybox/", env!("CARGO_PKG_VERSION")));
        if !allow_private {
            builder = builder.dns_resolver(Arc::new(PublicOnly));
        }
        Ok(Self {
            client: builder.build()?,
            allow_private,
        })
    }

    /// Whether a URL may be requested: http(s), and a public literal address if it names one
    /// (names are checked again when they resolve). Plain http only where private addresses
    /// are allowed (tests, private networks).
    pub fn check(&self, url: &Url) -> Result<(), OutboundError> {
        let refused = || OutboundError::Refused(url.to_string());
        match url.scheme() {
            "https" => {}
            "http" if self.allow_private => {}
            _ => return Err(refused()),
        }
        let host = url.host().ok_or_else(refused)?;
        if self.allow_private {
            return Ok(());
        }
        let literal = match host {
            url::Host::Ipv4(ip) => Some(IpAddr::V4(ip)),
            url::Host::Ipv6(ip) => Some(IpAddr::V6(ip)),
            url::Host::Domain(name) if name.eq_ignore_ascii_case("localhost") => {
                return Err(refused());
            }
            url::Host::Domain(_) => None,
        };
        match literal {
            Some(ip) if !is_public(ip) => Err(refused()),
            _ => Ok(()),
        }
    }

    /// The reqwest client (for requests replybox builds itself; call [`Outbound::check`] first).
    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    /// GET a URL and read at most [`MAX_BODY_BYTES`], with an optional bearer token.
    pub async fn get(
        &self,
        url: &Url,
        bearer: Option<&str>,
    ) -> Result<(reqwest::StatusCode, Option<String>, Vec<u8>), OutboundError> {
        self.check(url)?;
        let mut request = self
            .client
            .get(url.clone())
            .header(reqwest::header::ACCEPT, "application/json, image/*");
        if let Some(token) = bearer {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.map_err(failed)?;
        let status = response.status();
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let body = read_limited(response).await?;
        Ok((status, content_type, body))
    }

    /// The client as `oauth2` / `openidconnect` use it: each request's URL is checked first.
    pub async fn send(&self, request: HttpRequest) -> Result<HttpResponse, OutboundError> {
        let url = Url::parse(&request.uri().to_string()).map_err(failed)?;
        self.check(&url)?;
        let (parts, body) = request.into_parts();
        let response = self
            .client
            .request(parts.method, url)
            .headers(parts.headers)
            .body(body)
            .send()
            .await
            .map_err(failed)?;
        let mut builder = oauth2::http::Response::builder().status(response.status());
        for (name, value) in response.headers() {
            builder = builder.header(name, value);
        }
        let body = read_limited(response).await?;
        builder.body(body).map_err(failed)
    }
}

async fn read_limited(mut response: reqwest::Response) -> Result<Vec<u8>, OutboundError> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(failed)? {
        if body.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(OutboundError::Failed("answer too large".into()));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

fn failed(err: impl std::fmt::Display) -> OutboundError {
    OutboundError::Failed(err.to_string())
}

/// Resolves names, then drops every address replybox may not reach.
struct PublicOnly;

impl Resolve for PublicOnly {
    fn resolve(&self, name: Name) -> Resolving {
        Box::pin(async move {
            let host = name.as_str().to_string();
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await?
                .filter(|addr| is_public(addr.ip()))
                .collect();
            if addrs.is_empty() {
                return Err(Box::new(OutboundError::Refused(host)) as _);
            }
            Ok(Box::new(addrs.into_iter()) as Addrs)
        })
    }
}

/// Whether an address is on the public internet.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b)) // carrier-grade NAT
                || (a == 198 && (b == 18 || b == 19)) // benchmarking
                || a >= 240)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = embedded_ipv4(v6) {
                return is_public(IpAddr::V4(v4));
            }
            let [first, second, ..] = v6.segments();
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00 // unique local
                || (first & 0xffc0) == 0xfe80 // link-local
                || (first & 0xffc0) == 0xfec0 // site-local (deprecated, still routed by some)
                || (first == 0x2001 && second == 0x0000) // Teredo: tunnels to any IPv4
                || (first == 0x2001 && second == 0x0db8) // documentation
                || (first == 0x0064 && second == 0xff9b)) // NAT64 local-use /48 (RFC 8215)
        }
    }
}

/// The IPv4 address an IPv6 address stands for, where a translator or tunnel would reach it:
/// IPv4-mapped `::ffff:a.b.c.d`, IPv4-compatible `::a.b.c.d`, NAT64 `64:ff9b::a.b.c.d` and 6to4
/// `2002:aabb:ccdd::`. Each is judged as that IPv4 address (`::1` and `::` are not IPv4).
fn embedded_ipv4(v6: std::net::Ipv6Addr) -> Option<std::net::Ipv4Addr> {
    if let Some(v4) = v6.to_ipv4_mapped() {
        return Some(v4);
    }
    let s = v6.segments();
    let low = std::net::Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
    if s[..6].iter().all(|&x| x == 0) && !(v6.is_loopback() || v6.is_unspecified()) {
        return Some(low); // IPv4-compatible
    }
    if s[0] == 0x0064 && s[1] == 0xff9b && s[2..6].iter().all(|&x| x == 0) {
        return Some(low); // NAT64 well-known prefix
    }
    if s[0] == 0x2002 {
        return Some(std::net::Ipv4Addr::new(
            (s[1] >> 8) as u8,
            s[1] as u8,
            (s[2] >> 8) as u8,
            s[2] as u8,
        )); // 6to4
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_addresses_are_not_public() {
        for internal in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            "::127.0.0.1",
            "64:ff9b::7f00:1",
            "64:ff9b::10.0.0.1",
            "64:ff9b:1::1",
            "2002:7f00:1::1",
            "2002:c0a8:101::1",
            "fec0::1",
            "2001:0:4136:e378:8000:63bf:3fff:fdd2",
        ] {
            assert!(!is_public(internal.parse().unwrap()), "{internal}");
        }
        for public in [
            "1.1.1.1",
            "140.82.112.3",
            "2606:4700::1111",
            "64:ff9b::8.8.8.8",
            "2002:808:808::1",
        ] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
    }

    #[test]
    fn literal_internal_urls_and_plain_http_are_refused_unless_allowed() {
        let strict = Outbound::new(false, Duration::from_secs(1)).unwrap();
        for url in [
            "https://127.0.0.1/x",
            "https://[::1]/x",
            "https://169.254.169.254/latest",
            "https://localhost/x",
            "http://example.org/x",
            "file:///etc/passwd",
        ] {
            assert!(strict.check(&Url::parse(url).unwrap()).is_err(), "{url}");
        }
        assert!(
            strict
                .check(&Url::parse("https://example.org/x").unwrap())
                .is_ok()
        );
        let lax = Outbound::new(true, Duration::from_secs(1)).unwrap();
        assert!(
            lax.check(&Url::parse("http://127.0.0.1:9/x").unwrap())
                .is_ok()
        );
    }

    #[tokio::test]
    async fn names_that_resolve_to_loopback_are_refused() {
        let name: Name = "localhost".parse().unwrap();
        assert!(PublicOnly.resolve(name).await.is_err());
    }
}
