//! Paths of the C2SP tlog-tiles read API (<https://c2sp.org/tlog-tiles>):
//! `tile/<L>/<N>[.p/<W>]` and `tile/entries/<N>[.p/<W>]`, where `<N>` is
//! written in groups of three digits, every group but the last prefixed
//! with `x` (`1234067` is `x001/x234/067`). Only the canonical spelling of
//! a path is accepted: no leading zeros in `<L>` or `<W>`, no extra
//! groups, `<W>` from 1 to 255, `<L>` from 0 to 63.

/// What a tile path names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TilePath {
    /// `None` for an entry bundle, else the tile's level.
    pub level: Option<u32>,
    /// The tile's index in its level.
    pub index: u64,
    /// 256 for a full tile, else the partial width.
    pub width: u64,
}

/// `<N>` in the path form.
pub fn encode_index(n: u64) -> String {
    let digits = format!("{n}");
    let pad = (3 - digits.len() % 3) % 3;
    let digits = format!("{}{digits}", "0".repeat(pad));
    let groups: Vec<&str> = (0..digits.len() / 3)
        .map(|i| &digits[3 * i..3 * i + 3])
        .collect();
    let last = groups.len() - 1;
    groups
        .iter()
        .enumerate()
        .map(|(i, g)| {
            if i < last {
                format!("x{g}")
            } else {
                (*g).to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// The path after `tile/`, `None` unless canonical.
pub fn parse(rest: &str) -> Option<TilePath> {
    let mut parts: Vec<&str> = rest.split('/').collect();
    let level = match parts.first()? {
        &"entries" => None,
        l => Some(small_decimal(l, 0, 63)?),
    };
    parts.remove(0);
    let mut width = 256;
    if parts.len() >= 2 {
        if let Some(n) = parts[parts.len() - 2].strip_suffix(".p") {
            width = small_decimal(parts[parts.len() - 1], 1, 255)?;
            let k = parts.len() - 2;
            parts[k] = n;
            parts.pop();
        }
    }
    if parts.is_empty() || parts.len() > 7 {
        return None;
    }
    let mut digits = String::new();
    for (i, p) in parts.iter().enumerate() {
        let g = if i + 1 < parts.len() {
            p.strip_prefix('x')?
        } else {
            p
        };
        if g.len() != 3 || !g.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        digits.push_str(g);
    }
    let index: u64 = digits.parse().ok()?;
    // The canonical spelling only (no extra leading groups).
    (encode_index(index) == parts.join("/")).then_some(TilePath {
        level,
        index,
        width: u64::from(width),
    })
}

fn small_decimal(s: &str, min: u32, max: u32) -> Option<u32> {
    let canonical = !s.is_empty()
        && s.len() <= 3
        && s.bytes().all(|b| b.is_ascii_digit())
        && (s == "0" || !s.starts_with('0'));
    let v: u32 = canonical.then(|| s.parse().ok()).flatten()?;
    (min..=max).contains(&v).then_some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indices_are_written_in_groups_of_three() {
        assert_eq!(encode_index(0), "000");
        assert_eq!(encode_index(5), "005");
        assert_eq!(encode_index(999), "999");
        assert_eq!(encode_index(1000), "x001/000");
        assert_eq!(encode_index(1_234_067), "x001/x234/067");
        assert_eq!(encode_index(u64::MAX), "x018/x446/x744/x073/x709/x551/615");
    }

    #[test]
    fn only_canonical_paths_parse() {
        let t = |level, index, width| {
            Some(TilePath {
                level,
                index,
                width,
            })
        };
        assert_eq!(parse("0/000"), t(Some(0), 0, 256));
        assert_eq!(parse("1/x001/x234/067"), t(Some(1), 1_234_067, 256));
        assert_eq!(parse("0/001.p/17"), t(Some(0), 1, 17));
        assert_eq!(parse("entries/x001/000.p/255"), t(None, 1000, 255));
        assert_eq!(parse("63/000"), t(Some(63), 0, 256));
        for bad in [
            "",
            "0",
            "0/",
            "0/0",
            "0/00",
            "0/0000",
            "00/000",
            "64/000",
            "01/000",
            "0/x000/001",
            "0/001/002",
            "0/x001",
            "0/001.p/0",
            "0/001.p/256",
            "0/001.p/017",
            "0/001.p",
            "0/001.p/",
            "entries",
            "entries/",
            "x/000",
            "0/00a",
            "-1/000",
            "0/000/",
        ] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
    }
}
