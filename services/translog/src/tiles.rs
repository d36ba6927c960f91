//! C2SP tlog-tiles paths: `tile/<L>/<N>[.p/<W>]` and `tile/entries/<N>[.p/<W>]`, with `N`
//! in three-digit groups (`x001/x234/067`).

use crate::tree::TILE_WIDTH;

/// A tile a path names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TilePath {
    /// Hashes at level `level` (tiles of height 8).
    Hashes { level: u8, index: u64, width: u32 },
    /// An entry bundle: the leaves themselves.
    Entries { index: u64, width: u32 },
}

impl TilePath {
    /// Parses a path below the log's prefix, e.g. `tile/0/x001/234.p/7`. Only the canonical
    /// spelling parses (no leading zeros beyond the groups, no `.p/256`).
    pub fn parse(path: &str) -> Option<TilePath> {
        let rest = path.strip_prefix("tile/")?;
        let (kind, rest) = rest.split_once('/')?;
        let (number, width) = match rest.split_once(".p/") {
            Some((n, w)) => {
                let w: u32 = w.parse().ok()?;
                if w == 0 || u64::from(w) >= TILE_WIDTH || w.to_string().len() != rest.len() - n.len() - 3 {
                    return None;
                }
                (n, w)
            }
            None => (rest, TILE_WIDTH as u32),
        };
        let index = parse_index(number)?;
        let tile = if kind == "entries" {
            TilePath::Entries { index, width }
        } else {
            let level: u8 = kind.parse().ok().filter(|l: &u8| l.to_string() == kind)?;
            TilePath::Hashes { level, index, width }
        };
        (tile.path() == path).then_some(tile)
    }

    /// The tile's canonical path.
    pub fn path(&self) -> String {
        let (kind, index, width) = match *self {
            TilePath::Hashes { level, index, width } => (level.to_string(), index, width),
            TilePath::Entries { index, width } => ("entries".to_owned(), index, width),
        };
        let partial = if u64::from(width) == TILE_WIDTH { String::new() } else { format!(".p/{width}") };
        format!("tile/{kind}/{}{partial}", format_index(index))
    }
}

/// `N` in three-digit groups, all but the last prefixed with `x`.
pub fn format_index(mut n: u64) -> String {
    let mut s = format!("{:03}", n % 1000);
    while n >= 1000 {
        n /= 1000;
        s = format!("x{:03}/{s}", n % 1000);
    }
    s
}

fn parse_index(s: &str) -> Option<u64> {
    let mut n: u64 = 0;
    let parts: Vec<&str> = s.split('/').collect();
    for (i, part) in parts.iter().enumerate() {
        let digits = if i + 1 < parts.len() { part.strip_prefix('x')? } else { part };
        if digits.len() != 3 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        n = n.checked_mul(1000)?.checked_add(digits.parse::<u64>().ok()?)?;
    }
    Some(n)
}
