//! zkgov-params: development key setup, key files and manifest.
