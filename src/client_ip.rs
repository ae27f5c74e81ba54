//! The client's address: the peer, unless the peer is a trusted proxy.
//!
//! `X-Forwarded-For` is only believed when the connection comes from an address listed in
//! `server.trusted_proxies`, and then only its right-most hop that is not itself a trusted proxy
//! (everything left of that was written by the client and may be forged).

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRef, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use ipnet::IpNet;

use crate::error::AppError;

/// The address a request is attributed to (for rate limits, bans and hashing).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

/// `server.trusted_proxies`: the part of the state this extractor needs.
#[derive(Debug, Clone)]
pub struct TrustedProxies(pub Arc<[IpNet]>);

impl<S> FromRequestParts<S> for ClientIp
where
    TrustedProxies: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip())
            .ok_or_else(|| {
                AppError::Internal(anyhow::anyhow!("server started without connect info"))
            })?;
        let TrustedProxies(trusted) = TrustedProxies::from_ref(state);
        Ok(Self(client_ip(peer, &parts.headers, &trusted)))
    }
}

/// Resolves the client address from the peer and the forwarding headers: the hops are read
/// from the right, and the first one that is not a trusted proxy is the client. Whatever lies
/// left of it was written by the client and is ignored, junk included (a junk hop on the left
/// must not send the request back to the proxy's address). A hop our own proxies wrote that
/// cannot be read makes the hop right of it (or the peer) the client.
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let peer = peer.to_canonical();
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let mut client = peer;
    // Hops from the right, across repeated headers (the last header holds the nearest hops).
    for value in headers.get_all("x-forwarded-for").iter().rev() {
        // A value that is not text cannot be read: like a junk hop, it ends the walk (skipping
        // it would believe the hops left of it, which a proxy of ours may not have written).
        let Ok(value) = value.to_str() else {
            return client;
        };
        for hop in value.rsplit(',') {
            match hop.trim().parse::<IpAddr>().map(|ip| ip.to_canonical()) {
                Ok(ip) if is_trusted(&ip) => client = ip,
                Ok(ip) => return ip,
                Err(_) => return client,
            }
        }
    }
    client
}

/// What a client is counted and banned as: an IPv4 address as is, an IPv6 address by its /64
/// (one subscriber's whole network; counting single IPv6 addresses gives one client 2^64 tries).
pub fn client_network(ip: IpAddr) -> IpAddr {
    match ip.to_canonical() {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => {
            let mut segments = v6.segments();
            segments[4..].fill(0);
            IpAddr::from(segments)
        }
    }
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
    fn junk_left_of_the_client_is_ignored_and_junk_from_our_proxy_stops_the_walk() {
        let trusted = [
            "127.0.0.1/32".parse().unwrap(),
            "10.0.0.0/8".parse().unwrap(),
        ];
        let peer = ip("127.0.0.1");
        for (xff, client) in [
            (vec!["198.51.100.7"], "198.51.100.7"),
            (vec!["junk, 198.51.100.7"], "198.51.100.7"),
            (vec!["junk", "198.51.100.7"], "198.51.100.7"),
            (
                vec!["6.6.6.6, junk, 198.51.100.7, 10.0.0.3"],
                "198.51.100.7",
            ),
            (vec!["198.51.100.7, junk, 10.0.0.3"], "10.0.0.3"),
            (vec!["10.0.0.4, 10.0.0.3"], "10.0.0.4"),
        ] {
            assert_eq!(
                client_ip(peer, &headers(&xff), &trusted),
                ip(client),
                "{xff:?}"
            );
        }
    }

    #[test]
    fn a_forwarded_value_that_is_not_text_stops_the_walk() {
        // Found by the fuzz target `client_ip` (fuzz/regressions/client_ip/): the nearest value
        // was skipped, and the hop left of it, which no trusted proxy vouched for, believed.
        let trusted = ["10.0.0.0/8".parse().unwrap()];
        let mut map = headers(&["6.6.6.6, 198.51.100.7"]);
        map.append(
            "x-forwarded-for",
            HeaderValue::from_bytes(b"caf\xc3\xa9").unwrap(),
        );
        assert_eq!(client_ip(ip("10.0.0.2"), &map, &trusted), ip("10.0.0.2"));
        // Further left it is never reached: the client right of it is found first.
        let mut map = HeaderMap::new();
        map.append(
            "x-forwarded-for",
            HeaderValue::from_bytes(b"caf\xc3\xa9").unwrap(),
        );
        map.append("x-forwarded-for", HeaderValue::from_static("198.51.100.7"));
        assert_eq!(
            client_ip(ip("10.0.0.2"), &map, &trusted),
            ip("198.51.100.7")
        );
    }

    #[test]
    fn ipv6_clients_are_counted_by_their_64() {
        assert_eq!(
            client_network(ip("2001:db8:1:2:aaaa:bbbb:cccc:dddd")),
            ip("2001:db8:1:2::")
        );
        assert_eq!(client_network(ip("192.0.2.1")), ip("192.0.2.1"));
        assert_eq!(client_network(ip("::ffff:192.0.2.1")), ip("192.0.2.1"));
    }

    #[test]
    fn ipv4_mapped_ipv6_peers_are_plain_ipv4() {
        assert_eq!(
            client_ip(ip("::ffff:192.0.2.1"), &HeaderMap::new(), &[]),
            ip("192.0.2.1")
        );
    }
}
