//! The wasm-bindgen exports: thin wrappers over the crate's checks.
//!
//! Each returns the outcome's JSON string, or throws a [`VerifyFailure`].

use wasm_bindgen::prelude::wasm_bindgen;

/// What a refused input throws in JavaScript: `code` (`malformed`,
/// `mismatch`, `invalid-proof`), `error` (the verifier's error variant)
/// and `message`.
#[wasm_bindgen(getter_with_clone)]
pub struct VerifyFailure {
    /// `malformed`, `mismatch` or `invalid-proof`.
    pub code: String,
    /// The verifier's error variant, e.g. `PublicInputMismatch`.
    pub error: String,
    /// The message.
    pub message: String,
}

impl From<crate::Failure> for VerifyFailure {
    fn from(f: crate::Failure) -> Self {
        VerifyFailure {
            code: f.code.to_owned(),
            error: f.error,
            message: f.message,
        }
    }
}

#[wasm_bindgen]
impl VerifyFailure {
    /// `{"code", "error", "message"}` as JSON.
    #[wasm_bindgen(js_name = toJSON)]
    pub fn to_json(&self) -> String {
        serde_json::json!({"code": self.code, "error": self.error, "message": self.message})
            .to_string()
    }
}

/// See [`crate::verify_record_bundle`].
#[wasm_bindgen(js_name = verifyRecordBundle)]
pub fn verify_record_bundle(
    vk_bytes: &[u8],
    bundle_json: &str,
    request_json: &str,
) -> Result<String, VerifyFailure> {
    crate::verify_record_bundle(vk_bytes, bundle_json, request_json).map_err(Into::into)
}

/// See [`crate::verify_identity_bundle`].
#[wasm_bindgen(js_name = verifyIdentityBundle)]
pub fn verify_identity_bundle(
    vk_bytes: &[u8],
    bundle_json: &str,
    request_json: &str,
) -> Result<String, VerifyFailure> {
    crate::verify_identity_bundle(vk_bytes, bundle_json, request_json).map_err(Into::into)
}

/// See [`crate::verify_receipt`].
#[wasm_bindgen(js_name = verifyReceipt)]
pub fn verify_receipt(receipt_json: &str, log_key: &str) -> Result<String, VerifyFailure> {
    crate::verify_receipt(receipt_json, log_key).map_err(Into::into)
}

/// See [`crate::verify_groth16`].
#[wasm_bindgen(js_name = verifyGroth16)]
pub fn verify_groth16(vk_bytes: &[u8], bundle_json: &str) -> Result<String, VerifyFailure> {
    crate::verify_groth16(vk_bytes, bundle_json).map_err(Into::into)
}
