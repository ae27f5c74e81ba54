//! The client address (`src/client_ip.rs`) from a peer, trusted proxy networks and request
//! headers, all read from the input as lines of text, so a seed or a crash reads as a story:
//!
//! ```text
//! peer 10.0.0.2
//! trust 10.0.0.0/8
//! x-forwarded-for: 6.6.6.6, 198.51.100.7
//! x-forwarded-for: 10.1.1.1
//! x-real-ip: 192.0.2.1
//! ```
//!
//! (`trust` also takes a bare address; any other `name: value` line is a header, sent as is
//! when it can be one; other lines are ignored.) Asserted, besides no panic:
//!
//! - a peer that is not a trusted proxy is the client, whatever the headers say;
//! - the answer is the peer or an address written in an `X-Forwarded-For` value, never
//!   anything else (not one from `Forwarded`, `X-Real-IP` or any other header);
//! - it is the hop the rule in `client_ip`'s doc comment names: reading the hops from the
//!   right, the first that is not a trusted proxy; a hop that cannot be read (junk, or a value
//!   that is not text) makes the trusted hop right of it, or the peer, the client. So nothing
//!   left of an untrusted or unreadable hop is ever believed;
//! - `client_network` keeps an IPv4 address and the /64 of an IPv6 one, and is idempotent.
#![no_main]

use std::net::IpAddr;

use http::{HeaderMap, HeaderName, HeaderValue};
use ipnet::IpNet;
use libfuzzer_sys::fuzz_target;
use replybox::client_ip::{client_ip, client_network};

/// The peer, the trusted networks and the headers the input describes.
fn read(data: &[u8]) -> Option<(IpAddr, Vec<IpNet>, HeaderMap)> {
    let mut peer = None;
    let mut nets = Vec::new();
    let mut headers = HeaderMap::new();
    for line in data.split(|b| *b == b'\n') {
        if let Some(addr) = line.strip_prefix(b"peer ") {
            peer = std::str::from_utf8(addr)
                .ok()
                .and_then(|addr| addr.trim().parse().ok());
        } else if let Some(net) = line.strip_prefix(b"trust ") {
            let net = std::str::from_utf8(net)
                .ok()
                .map(str::trim)
                .unwrap_or_default();
            if let Some(net) = net
                .parse()
                .ok()
                .or_else(|| net.parse::<IpAddr>().ok().map(IpNet::from))
            {
                nets.push(net);
            }
        } else if let Some(colon) = line.iter().position(|b| *b == b':') {
            let value = line[colon + 1..].trim_ascii_start();
            if let (Ok(name), Ok(value)) = (
                HeaderName::from_bytes(line[..colon].trim_ascii()),
                HeaderValue::from_bytes(value),
            ) {
                headers.append(name, value);
            }
        }
    }
    Some((peer?, nets, headers))
}

/// The client by the rule in `client_ip`'s doc comment, walked independently: every value's
/// hops, from the right; trusted ones are passed, the first untrusted one is the client, and
/// one that cannot be read (a value that is not visible ASCII counts as one unreadable hop)
/// leaves the last trusted hop, or the peer, as the client.
fn expected(peer: IpAddr, headers: &HeaderMap, nets: &[IpNet]) -> IpAddr {
    let trusted = |ip: &IpAddr| nets.iter().any(|net| net.contains(ip));
    if !trusted(&peer) {
        return peer;
    }
    let mut client = peer;
    for value in headers.get_all("x-forwarded-for").iter().rev() {
        let Ok(text) = value.to_str() else {
            return client;
        };
        for hop in text.split(',').rev() {
            match hop.trim().parse::<IpAddr>() {
                Ok(ip) if trusted(&ip.to_canonical()) => client = ip.to_canonical(),
                Ok(ip) => return ip.to_canonical(),
                Err(_) => return client,
            }
        }
    }
    client
}

fuzz_target!(|data: &[u8]| {
    let Some((peer, nets, headers)) = read(data) else {
        return;
    };

    let client = client_ip(peer, &headers, &nets);

    let canonical_peer = peer.to_canonical();
    if !nets.iter().any(|net| net.contains(&canonical_peer)) {
        assert_eq!(client, canonical_peer, "an untrusted peer is the client");
    }
    let written: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .flat_map(|value| {
            String::from_utf8_lossy(value.as_bytes())
                .split(',')
                .filter_map(|hop| hop.trim().parse::<IpAddr>().ok())
                .map(|ip| ip.to_canonical())
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(
        client == canonical_peer || written.contains(&client),
        "{client} is neither the peer {peer} nor written in X-Forwarded-For {headers:?}"
    );
    assert_eq!(
        client,
        expected(canonical_peer, &headers, &nets),
        "peer {peer}, trusted {nets:?}, headers {headers:?}"
    );

    let network = client_network(client);
    assert_eq!(
        client_network(network),
        network,
        "client_network is idempotent"
    );
    match (client.to_canonical(), network) {
        (IpAddr::V4(ip), IpAddr::V4(net)) => assert_eq!(ip, net),
        (IpAddr::V6(ip), IpAddr::V6(net)) => {
            assert_eq!(u128::from(ip) >> 64, u128::from(net) >> 64);
            assert_eq!(u128::from(net) & u128::from(u64::MAX), 0);
        }
        (ip, net) => panic!("client_network({ip}) = {net}: another family"),
    }
});
