//! The wasm-bindgen exports: thin wrappers over the crate's checks and
//! the citizen's prover.
//!
//! Each returns the outcome's JSON string, or throws a [`VerifyFailure`].

// The exports are `pub` for wasm-bindgen; the module itself is private.
#![allow(unreachable_pub)]

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

/// See [`crate::verify_anchor_receipt`].
#[wasm_bindgen(js_name = verifyAnchorReceipt)]
pub fn verify_anchor_receipt(
    bundle_json: &str,
    receipt_json: &str,
    log_key: &str,
) -> Result<String, VerifyFailure> {
    crate::verify_anchor_receipt(bundle_json, receipt_json, log_key).map_err(Into::into)
}

/// See [`crate::verify_groth16`].
#[wasm_bindgen(js_name = verifyGroth16)]
pub fn verify_groth16(vk_bytes: &[u8], bundle_json: &str) -> Result<String, VerifyFailure> {
    crate::verify_groth16(vk_bytes, bundle_json).map_err(Into::into)
}

#[cfg(feature = "prover")]
mod citizen {
    use super::VerifyFailure;
    use wasm_bindgen::prelude::wasm_bindgen;

    fn unix_seconds(now: f64) -> Result<u64, VerifyFailure> {
        if now.is_finite() && now >= 0.0 && now < 1.0e15 {
            Ok(now as u64)
        } else {
            Err(crate::Failure::new("malformed", "BadArgument", "now must be Unix seconds").into())
        }
    }

    /// See [`crate::citizen::check`] and [`crate::citizen::Asked::describe`]:
    /// the request in words, or why it is refused.
    #[wasm_bindgen(js_name = checkRequest)]
    pub fn check_request(
        request_json: &str,
        agency_receipt_json: &str,
        log_key: &str,
        now: f64,
    ) -> Result<String, VerifyFailure> {
        let asked = crate::citizen::check(
            request_json,
            agency_receipt_json,
            log_key,
            unix_seconds(now)?,
        )?;
        Ok(asked.describe())
    }

    /// See [`crate::citizen::key_files`].
    #[wasm_bindgen(js_name = keyFiles)]
    pub fn key_files(manifest_json: &str) -> Result<String, VerifyFailure> {
        crate::citizen::key_files(manifest_json).map_err(Into::into)
    }

    /// The identity prover: the key files checked against the manifest,
    /// prepared once ([`crate::citizen::CitizenProver`]).
    #[wasm_bindgen]
    pub struct Prover(crate::citizen::CitizenProver);

    #[wasm_bindgen]
    impl Prover {
        /// Checks the key files against the manifest and prepares the
        /// prover; `points_checked_before`: these exact bytes were
        /// validated point by point in this browser before (see
        /// [`crate::citizen::CitizenProver::with_points`]).
        #[wasm_bindgen(constructor)]
        pub fn new(
            manifest_json: &str,
            pk_bytes: &[u8],
            vk_bytes: &[u8],
            points_checked_before: Option<bool>,
        ) -> Result<Prover, VerifyFailure> {
            let points = if points_checked_before == Some(true) {
                zkgov_params::PointChecks::DoneBefore
            } else {
                zkgov_params::PointChecks::Every
            };
            Ok(Prover(crate::citizen::CitizenProver::with_points(
                manifest_json,
                pk_bytes,
                vk_bytes,
                points,
            )?))
        }

        /// Checks the request again at `now` (Unix seconds), then proves it
        /// for that UTC day: see [`crate::citizen::CitizenProver::prove`].
        #[wasm_bindgen(js_name = proveIdentity)]
        #[allow(clippy::too_many_arguments)]
        pub fn prove_identity(
            &self,
            request_json: &str,
            agency_receipt_json: &str,
            log_key: &str,
            now: f64,
            credential_json: &str,
            holder_json: &str,
            issuers_json: &str,
        ) -> Result<String, VerifyFailure> {
            let now = unix_seconds(now)?;
            let asked = crate::citizen::check(request_json, agency_receipt_json, log_key, now)?;
            Ok(self.0.prove(
                &asked,
                credential_json,
                holder_json,
                issuers_json,
                zkgov_verifier::identity::Date::from_unix(now),
                &mut rand_core::OsRng,
            )?)
        }
    }
}
