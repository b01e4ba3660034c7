//! Text encodings of the files leads bring: UTF-8 (with or without the byte-order mark
//! Excel adds) and GBK, which Excel on a Chinese Windows writes for "CSV".

use std::borrow::Cow;

/// The encoding a file was read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextEncoding {
    /// Plain UTF-8.
    Utf8,
    /// UTF-8 preceded by the byte-order mark `EF BB BF`.
    Utf8Bom,
    /// GBK (GB18030, its superset, is what is decoded).
    Gbk,
}

/// Decodes a file: valid UTF-8 (a leading BOM is dropped) is taken as is, anything
/// else is read as GBK. `None` when it is neither (GBK decoding met invalid bytes).
///
/// ```
/// use gridpatrol::formats::text::{decode, TextEncoding};
/// let gbk = [0xC3, 0xFB, 0xB3, 0xC6]; // "名称" in GBK
/// assert_eq!(decode(&gbk), Some(("名称".into(), TextEncoding::Gbk)));
/// assert_eq!(decode(b"\xEF\xBB\xBFid").unwrap().1, TextEncoding::Utf8Bom);
/// ```
pub fn decode(bytes: &[u8]) -> Option<(Cow<'_, str>, TextEncoding)> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return std::str::from_utf8(rest)
            .ok()
            .map(|s| (Cow::Borrowed(s), TextEncoding::Utf8Bom));
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Some((Cow::Borrowed(s), TextEncoding::Utf8));
    }
    let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
    (!had_errors).then(|| (Cow::Owned(text.into_owned()), TextEncoding::Gbk))
}

/// Why bytes that [`decode`] refused are no text, with the line of the first bad byte:
/// UTF-16 (Excel's "Unicode text"), or bytes that are neither UTF-8 nor GBK.
///
/// ```
/// use gridpatrol::formats::text::why_undecodable;
/// assert_eq!(why_undecodable(b"id\nA,\xFF\xFF"), (2, "text is neither UTF-8 nor GBK".to_string()));
/// ```
pub fn why_undecodable(bytes: &[u8]) -> (u64, String) {
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return (
            1,
            "text is UTF-16 (Excel's \"Unicode text\"): save it as \"CSV UTF-8\"".into(),
        );
    }
    let bad_at = std::str::from_utf8(bytes)
        .err()
        .map_or(0, |e| e.valid_up_to());
    let line = 1 + bytes[..bad_at].iter().filter(|&&b| b == b'\n').count() as u64;
    (line, "text is neither UTF-8 nor GBK".into())
}

/// The text of an outside file, or a syntax error naming the file, the line where the
/// bytes stop being text and why (see [`why_undecodable`]).
pub(crate) fn decode_or_error<'a>(
    bytes: &'a [u8],
    source: &str,
) -> Result<Cow<'a, str>, super::error::FormatError> {
    decode(bytes).map(|(text, _)| text).ok_or_else(|| {
        let (line, problem) = why_undecodable(bytes);
        super::error::FormatError::Syntax {
            place: super::error::Place::line(source, line),
            problem,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_utf8_is_borrowed() {
        let (text, enc) = decode("名称,经度".as_bytes()).unwrap();
        assert_eq!((text.as_ref(), enc), ("名称,经度", TextEncoding::Utf8));
        assert!(matches!(text, Cow::Borrowed(_)));
    }

    #[test]
    fn bom_is_dropped() {
        let (text, enc) = decode("\u{feff}id,lon".as_bytes()).unwrap();
        assert_eq!((text.as_ref(), enc), ("id,lon", TextEncoding::Utf8Bom));
    }

    #[test]
    fn gbk_round_trips_through_encoding_rs() {
        let original = "编号,名称,经度,纬度\nA1,海淀区某某教育培训中心,116.35,39.96\n";
        let (bytes, _, _) = encoding_rs::GBK.encode(original);
        assert!(
            std::str::from_utf8(&bytes).is_err(),
            "the sample must not be valid UTF-8"
        );
        let (text, enc) = decode(&bytes).unwrap();
        assert_eq!((text.as_ref(), enc), (original, TextEncoding::Gbk));
    }

    #[test]
    fn garbage_is_neither() {
        // 0xFF is not a GBK lead byte and not UTF-8.
        assert_eq!(decode(&[0x41, 0xFF, 0xFF, 0x42]), None);
    }
}
