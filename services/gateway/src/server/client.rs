//! Who the client is, for the per-client limits: the TCP peer, or — when the peer is one of
//! the configured reverse proxies (`CANYU_TRUSTED_PROXIES`) — the address that proxy says it
//! forwarded for (`Forwarded: for=`, RFC 7239, else `X-Forwarded-For`). The chain is read from
//! the right, skipping trusted proxies, so a client cannot choose its own address by sending
//! the header itself: only what a trusted hop appended counts.

use std::net::IpAddr;

use axum::http::HeaderMap;

/// Addresses and networks (`10.0.0.0/8`, `::1`) whose forwarding headers are believed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<(IpAddr, u8)>);

impl TrustedProxies {
    /// Parses a comma-separated list; names the first entry that is not an address or network.
    pub fn parse(list: &str) -> Result<Self, String> {
        let mut nets = Vec::new();
        for entry in list.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let (addr, bits) = match entry.split_once('/') {
                Some((a, b)) => (a, Some(b)),
                None => (entry, None),
            };
            let addr: IpAddr = addr.parse().map_err(|_| format!("{entry} is not an IP address or network"))?;
            let max = if addr.is_ipv4() { 32 } else { 128 };
            let bits = match bits {
                Some(b) => b.parse::<u8>().ok().filter(|b| *b <= max).ok_or_else(|| format!("{entry} has a bad prefix length"))?,
                None => max,
            };
            nets.push((addr, bits));
        }
        Ok(TrustedProxies(nets))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.0.iter().any(|(net, bits)| match (canonical(*net), ip) {
            (IpAddr::V4(n), IpAddr::V4(a)) => prefix_eq(u32::from(n) as u128, u32::from(a) as u128, *bits, 32),
            (IpAddr::V6(n), IpAddr::V6(a)) => prefix_eq(u128::from(n), u128::from(a), *bits, 128),
            _ => false,
        })
    }

    /// The client behind `peer`.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        if !self.contains(peer) {
            return canonical(peer);
        }
        let hops = forwarded_for(headers);
        let mut client = canonical(peer);
        for hop in hops.iter().rev() {
            match hop {
                Some(ip) => {
                    client = canonical(*ip);
                    if !self.contains(client) {
                        return client;
                    }
                }
                // An obfuscated or unparsable hop: nothing before it can be believed.
                None => return client,
            }
        }
        client
    }
}

fn prefix_eq(a: u128, b: u128, bits: u8, width: u32) -> bool {
    if bits == 0 {
        return true;
    }
    let shift = width - bits as u32;
    (a >> shift) == (b >> shift)
}

/// An IPv4 address carried in IPv6 (`::ffff:10.0.0.1`) is that IPv4 address.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// The `for` addresses, left to right: from every `Forwarded` header if there is one, else
/// from every `X-Forwarded-For`. `None` marks a hop that is not an address.
fn forwarded_for(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    let values = |name: &str| {
        headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    let forwarded = values("forwarded");
    if !forwarded.is_empty() {
        return forwarded
            .iter()
            .map(|element| {
                element
                    .split(';')
                    .filter_map(|pair| pair.split_once('='))
                    .find(|(k, _)| k.trim().eq_ignore_ascii_case("for"))
                    .and_then(|(_, v)| node(v.trim()))
            })
            .collect();
    }
    values("x-forwarded-for").iter().map(|v| node(v)).collect()
}

/// A node of RFC 7239 (`192.0.2.43`, `"[2001:db8::1]:4711"`, `"192.0.2.43:80"`), or a bare
/// address of `X-Forwarded-For`.
fn node(v: &str) -> Option<IpAddr> {
    let v = v.trim_matches('"');
    if let Ok(ip) = v.parse() {
        return Some(ip);
    }
    if let Some(rest) = v.strip_prefix('[') {
        return rest.split(']').next()?.parse().ok();
    }
    v.rsplit_once(':').and_then(|(host, _port)| host.parse::<std::net::Ipv4Addr>().ok()).map(IpAddr::V4)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(axum::http::HeaderName::from_bytes(k.as_bytes()).unwrap(), v.parse().unwrap());
        }
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn only_a_trusted_peer_is_believed_and_only_for_what_it_appended() {
        let proxies = TrustedProxies::parse("10.0.0.0/8, ::1").unwrap();
        let h = headers(&[("x-forwarded-for", "6.6.6.6, 203.0.113.7")]);
        assert_eq!(proxies.client(ip("198.51.100.1"), &h), ip("198.51.100.1"), "an untrusted peer's header is ignored");
        assert_eq!(proxies.client(ip("10.1.2.3"), &h), ip("203.0.113.7"), "the hop the proxy appended, not the client's own claim");
        let chain = headers(&[("x-forwarded-for", "203.0.113.7, 10.9.9.9")]);
        assert_eq!(proxies.client(ip("10.1.2.3"), &chain), ip("203.0.113.7"), "trusted hops are skipped");
        assert_eq!(proxies.client(ip("10.1.2.3"), &HeaderMap::new()), ip("10.1.2.3"), "no header: the proxy itself");
        let fwd = headers(&[("forwarded", "for=6.6.6.6, for=\"[2001:db8::1]:4711\";proto=https"), ("x-forwarded-for", "7.7.7.7")]);
        assert_eq!(proxies.client(ip("::1"), &fwd), ip("2001:db8::1"), "Forwarded wins over X-Forwarded-For");
        let hidden = headers(&[("forwarded", "for=6.6.6.6, for=_hidden")]);
        assert_eq!(proxies.client(ip("10.0.0.1"), &hidden), ip("10.0.0.1"), "an obfuscated hop stops the walk");
        assert_eq!(proxies.client(ip("::ffff:10.0.0.1"), &h), ip("203.0.113.7"), "IPv4-mapped peers");
        assert!(TrustedProxies::parse("10.0.0.0/33").is_err() && TrustedProxies::parse("proxy.local").is_err());
        assert!(TrustedProxies::parse("").unwrap().is_empty());
    }
}
