//! The client's address: the peer, unless the peer is a trusted proxy.
//!
//! `X-Forwarded-For` is only believed when the connection comes from an address listed in
//! `server.trusted_proxies`, and then only its right-most hop that is not itself a trusted proxy
//! (everything left of that was written by the client and may be forged).

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use ipnet::IpNet;

use crate::app::AppState;
use crate::error::AppError;

/// The address a request is attributed to (for rate limits, bans and hashing).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip())
            .ok_or_else(|| {
                AppError::Internal(anyhow::anyhow!("server started without connect info"))
            })?;
        Ok(Self(client_ip(
            peer,
            &parts.headers,
            &state.config.server.trusted_proxies,
        )))
    }
}

/// Resolves the client address from the peer and the forwarding headers.
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let peer = peer.to_canonical();
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    // Hops in order, across repeated headers; read from the right.
    let hops: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(|hop| hop.trim().parse::<IpAddr>().map(|ip| ip.to_canonical()))
        .collect::<Result<_, _>>()
        .unwrap_or_default();
    hops.iter()
        .rev()
        .find(|ip| !is_trusted(ip))
        .or(hops.first())
        .copied()
        .unwrap_or(peer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(xff: &[&str]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for value in xff {
            map.append("x-forwarded-for", HeaderValue::from_str(value).unwrap());
        }
        map
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_claims() {
        let trusted = ["10.0.0.0/8".parse().unwrap()];
        assert_eq!(
            client_ip(ip("203.0.113.9"), &headers(&["1.2.3.4"]), &trusted),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn behind_a_trusted_proxy_the_rightmost_untrusted_hop_is_the_client() {
        let trusted = ["10.0.0.0/8".parse().unwrap()];
        let forged_then_real = headers(&["6.6.6.6, 198.51.100.7", "10.1.1.1"]);
        assert_eq!(
            client_ip(ip("10.0.0.2"), &forged_then_real, &trusted),
            ip("198.51.100.7")
        );
    }

    #[test]
    fn a_garbled_header_from_a_trusted_proxy_falls_back_to_the_peer() {
        let trusted = ["10.0.0.0/8".parse().unwrap()];
        assert_eq!(
            client_ip(ip("10.0.0.2"), &headers(&["not-an-ip"]), &trusted),
            ip("10.0.0.2")
        );
    }

    #[test]
    fn ipv4_mapped_ipv6_peers_are_plain_ipv4() {
        assert_eq!(
            client_ip(ip("::ffff:192.0.2.1"), &HeaderMap::new(), &[]),
            ip("192.0.2.1")
        );
    }
}
