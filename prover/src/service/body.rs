//! Request bodies, bounded before anything proportional to them is built.
//!
//! A body is read frame by frame into one buffer that is zeroized when
//! dropped (it holds the citizen's private inputs), refused as soon as it
//! passes the size limit (a `Content-Length` over the limit is refused
//! before the first byte is read), and must arrive within the body timeout.
//! Then [`scan`] walks the raw bytes once, without allocating, and refuses
//! nesting deeper than the depth limit and any array or object with more
//! members than the array limit, before serde builds a single value.

use std::time::Duration;

use axum::{
    body::Body,
    http::{header, HeaderMap},
};
use http_body_util::BodyExt as _;
use zeroize::Zeroizing;
use zkgov_ledger::ErrorCode;

use super::error::ServiceError;

/// How much a request may hold.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Largest body, in bytes.
    pub max_body: usize,
    /// Deepest nesting of arrays and objects.
    pub max_depth: usize,
    /// Most members of one array or object.
    pub max_members: usize,
    /// Time the client has to send the body.
    pub body_timeout: Duration,
}

/// Checks the content type, then reads the body within the limits.
pub(crate) async fn read_json(
    limits: &Limits,
    headers: &HeaderMap,
    body: Body,
) -> Result<Zeroizing<Vec<u8>>, ServiceError> {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"));
    if !json {
        return Err(ServiceError::new(
            ErrorCode::UnsupportedMediaType,
            "the request body must be JSON (Content-Type: application/json)",
        ));
    }
    let too_large = || {
        ServiceError::new(
            ErrorCode::TooLarge,
            format!("request body over {} bytes", limits.max_body),
        )
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limits.max_body as u64) {
        return Err(too_large());
    }
    let read = async {
        let mut body = body;
        let mut buf = Zeroizing::new(Vec::with_capacity(
            declared.map_or(0, |n| n as usize).min(limits.max_body),
        ));
        while let Some(frame) = body.frame().await {
            let frame = frame.map_err(|_| {
                ServiceError::new(
                    ErrorCode::Malformed,
                    "the request body ended before its declared length",
                )
            })?;
            if let Ok(data) = frame.into_data() {
                if buf.len() + data.len() > limits.max_body {
                    return Err(too_large());
                }
                buf.extend_from_slice(&data);
            }
        }
        Ok(buf)
    };
    let buf = tokio::time::timeout(limits.body_timeout, read)
        .await
        .map_err(|_| {
            ServiceError::new(
                ErrorCode::Timeout,
                "the request body did not arrive in time",
            )
        })??;
    scan(&buf, limits)?;
    Ok(buf)
}

/// Refuses nesting deeper than `max_depth` and arrays or objects with more
/// than `max_members` members, in one pass over the raw JSON text (strings
/// and their escapes skipped). Syntax is left to the parser.
pub(crate) fn scan(json: &[u8], limits: &Limits) -> Result<(), ServiceError> {
    // Member counts of the open arrays and objects: one counter per level,
    // up to the depth limit, on the stack.
    let mut members = [0usize; 64];
    let max_depth = limits.max_depth.min(members.len());
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for &b in json {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                if depth == max_depth {
                    return Err(ServiceError::new(
                        ErrorCode::TooLarge,
                        format!("JSON nested deeper than {max_depth} levels"),
                    ));
                }
                members[depth] = 1;
                depth += 1;
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            b',' if depth > 0 => {
                let n = &mut members[depth - 1];
                *n += 1;
                if *n > limits.max_members {
                    return Err(ServiceError::new(
                        ErrorCode::TooLarge,
                        format!(
                            "a JSON array or object with more than {} members",
                            limits.max_members
                        ),
                    ));
                }
            }
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> Limits {
        Limits {
            max_body: 1 << 20,
            max_depth: 4,
            max_members: 3,
            body_timeout: Duration::from_secs(1),
        }
    }

    fn code(json: &str) -> Option<ErrorCode> {
        scan(json.as_bytes(), &limits()).err().map(|e| e.code)
    }

    #[test]
    fn depth_and_members_are_bounded() {
        assert_eq!(code(r#"{"a":[[1,2,3]]}"#), None);
        assert_eq!(code(r#"[[[[1]]]]"#), None);
        assert_eq!(code(r#"[[[[[1]]]]]"#), Some(ErrorCode::TooLarge));
        assert_eq!(code(r#"[1,2,3,4]"#), Some(ErrorCode::TooLarge));
        assert_eq!(
            code(r#"{"a":1,"b":2,"c":3,"d":4}"#),
            Some(ErrorCode::TooLarge)
        );
        // Brackets and commas inside strings do not count.
        assert_eq!(code(r#"["[[[[[,,,,", "\"[[[[[,,,"]"#), None);
        // Counters restart for each array.
        assert_eq!(code(r#"[[1,2,3],[1,2,3],[1,2,3]]"#), None);
    }
}
