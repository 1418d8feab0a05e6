//! Registries: a registry authority's records and their Merkle tree.
//!
//! Record input (what the authority starts from), JSON:
//!
//! ```json
//! {"schema": ["district", "area_m2"],
//!  "records": [{"owner_commitment": "<decimal>", "fields": {"district": 7, "area_m2": 640}}]}
//! ```
//!
//! or CSV with a header `owner_commitment,<field>,<field>,...` (up to 8
//! fields; missing fields are 0). The registry file the `zkgov registry`
//! command writes is versioned JSON holding the depth, schema, root and
//! records; reading it recomputes the root and refuses a file whose root
//! does not match.

use std::{collections::HashMap, path::Path};

use serde::{Deserialize, Serialize};
use zkgov_circuits::{
    merkle::{MerklePath, MerkleTree},
    record::{owner_commitment, Record},
};
use zkgov_verifier::{parse_decimal, to_decimal, Fr, MerkleRoot, RECORD_FIELDS};

use crate::ProverError;

/// `format` of a registry file.
pub(crate) const REGISTRY_FORMAT: &str = "zkgov-registry";
/// Registry file version.
pub(crate) const REGISTRY_VERSION: u64 = 1;

/// A registry: schema, records and tree.
#[derive(Clone, Debug)]
pub struct Registry {
    schema: Vec<String>,
    records: Vec<Record>,
    tree: MerkleTree,
    by_commitment: HashMap<[u8; 32], usize>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RecordJson {
    owner_commitment: String,
    fields: serde_json::Map<String, serde_json::Value>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RecordsInput {
    schema: Vec<String>,
    records: Vec<RecordJson>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RegistryFile {
    format: String,
    version: u64,
    depth: usize,
    schema: Vec<String>,
    root: String,
    records: Vec<RecordJson>,
}

fn key(c: &Fr) -> [u8; 32] {
    let mut k = [0u8; 32];
    k.copy_from_slice(&zkgov_verifier::to_bytes_le(c));
    k
}

fn check_schema(schema: &[String]) -> Result<(), ProverError> {
    if schema.is_empty() || schema.len() > RECORD_FIELDS {
        return Err(ProverError::malformed(
            "schema",
            format!("1 to {RECORD_FIELDS} fields, got {}", schema.len()),
        ));
    }
    for (i, n) in schema.iter().enumerate() {
        if n.is_empty() || schema[..i].contains(n) || n == "owner_commitment" {
            return Err(ProverError::malformed(
                "schema",
                format!("field name {n:?} is empty, repeated or reserved"),
            ));
        }
    }
    Ok(())
}

impl Registry {
    /// A registry of `depth` from records.
    pub fn new(
        depth: usize,
        schema: Vec<String>,
        records: Vec<Record>,
    ) -> Result<Self, ProverError> {
        check_schema(&schema)?;
        let mut by_commitment = HashMap::with_capacity(records.len());
        for (i, r) in records.iter().enumerate() {
            if by_commitment.insert(key(&r.owner_commitment), i).is_some() {
                return Err(ProverError::malformed(
                    format!("record {i}"),
                    "owner commitment appears twice",
                ));
            }
            if r.fields[schema.len()..].iter().any(|f| *f != 0) {
                return Err(ProverError::malformed(
                    format!("record {i}"),
                    "value in a field outside the schema",
                ));
            }
        }
        let leaves: Vec<Fr> = records.iter().map(Record::leaf).collect();
        let tree = MerkleTree::from_leaves(depth, &leaves)?;
        Ok(Registry {
            schema,
            records,
            tree,
            by_commitment,
        })
    }

    /// Field names, in slot order.
    pub fn schema(&self) -> &[String] {
        &self.schema
    }

    /// Records.
    pub fn records(&self) -> &[Record] {
        &self.records
    }

    /// Tree depth.
    pub fn depth(&self) -> usize {
        self.tree.depth()
    }

    /// The root.
    pub fn root(&self) -> MerkleRoot {
        MerkleRoot(self.tree.root())
    }

    /// The record owned by `owner_secret`, with its path.
    pub fn find(&self, owner_secret: &Fr) -> Result<(&Record, MerklePath), ProverError> {
        let i = *self
            .by_commitment
            .get(&key(&owner_commitment(owner_secret)))
            .ok_or(ProverError::NotInRegistry)?;
        Ok((&self.records[i], self.tree.path(i as u64)?))
    }

    fn parse_record(schema: &[String], i: usize, r: &RecordJson) -> Result<Record, ProverError> {
        let what = || format!("record {i}");
        let owner_commitment = parse_decimal(&r.owner_commitment, "owner_commitment")
            .map_err(|e| ProverError::malformed(what(), e.to_string()))?;
        let mut fields = [0u64; RECORD_FIELDS];
        for (name, value) in &r.fields {
            let slot = schema.iter().position(|s| s == name).ok_or_else(|| {
                ProverError::malformed(what(), format!("field {name:?} is not in the schema"))
            })?;
            fields[slot] = value.as_u64().ok_or_else(|| {
                ProverError::malformed(
                    what(),
                    format!("field {name:?} must be an integer in [0, 2^64)"),
                )
            })?;
        }
        Ok(Record {
            owner_commitment,
            fields,
        })
    }

    /// Reads records from JSON (see the module docs).
    pub fn from_json_records(depth: usize, text: &str) -> Result<Self, ProverError> {
        let input: RecordsInput = serde_json::from_str(text)
            .map_err(|e| ProverError::malformed("records JSON", e.to_string()))?;
        check_schema(&input.schema)?;
        let records = input
            .records
            .iter()
            .enumerate()
            .map(|(i, r)| Self::parse_record(&input.schema, i, r))
            .collect::<Result<Vec<_>, _>>()?;
        Self::new(depth, input.schema, records)
    }

    /// Reads records from CSV (see the module docs).
    pub fn from_csv_records(depth: usize, text: &str) -> Result<Self, ProverError> {
        let mut rd = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let header = rd
            .headers()
            .map_err(|e| ProverError::malformed("records CSV", e.to_string()))?
            .clone();
        if header.get(0) != Some("owner_commitment") {
            return Err(ProverError::malformed(
                "records CSV",
                "the first column must be owner_commitment",
            ));
        }
        let schema: Vec<String> = header.iter().skip(1).map(str::to_owned).collect();
        check_schema(&schema)?;
        let mut records = Vec::new();
        for (i, row) in rd.records().enumerate() {
            let row = row
                .map_err(|e| ProverError::malformed(format!("CSV row {}", i + 2), e.to_string()))?;
            let what = || format!("CSV row {}", i + 2);
            let owner_commitment = parse_decimal(row.get(0).unwrap_or(""), "owner_commitment")
                .map_err(|e| ProverError::malformed(what(), e.to_string()))?;
            let mut fields = [0u64; RECORD_FIELDS];
            for (slot, cell) in row.iter().skip(1).enumerate() {
                if slot >= schema.len() {
                    return Err(ProverError::malformed(
                        what(),
                        "more cells than header columns",
                    ));
                }
                fields[slot] = cell
                    .parse::<u64>()
                    .ok()
                    .filter(|v| v.to_string() == cell)
                    .ok_or_else(|| {
                        ProverError::malformed(
                            what(),
                            format!("{} must be an integer in [0, 2^64)", schema[slot]),
                        )
                    })?;
            }
            records.push(Record {
                owner_commitment,
                fields,
            });
        }
        Self::new(depth, schema, records)
    }

    /// Reads records from a `.json` or `.csv` file.
    pub fn from_records_file(depth: usize, path: &Path) -> Result<Self, ProverError> {
        let text = std::fs::read_to_string(path).map_err(ProverError::io(path))?;
        match path.extension().and_then(|e| e.to_str()) {
            Some("csv") => Self::from_csv_records(depth, &text),
            _ => Self::from_json_records(depth, &text),
        }
    }

    /// The registry file (JSON).
    pub fn to_json(&self) -> String {
        let records = self
            .records
            .iter()
            .map(|r| RecordJson {
                owner_commitment: to_decimal(&r.owner_commitment),
                fields: self
                    .schema
                    .iter()
                    .zip(r.fields)
                    .map(|(n, v)| (n.clone(), serde_json::Value::from(v)))
                    .collect(),
            })
            .collect();
        let f = RegistryFile {
            format: REGISTRY_FORMAT.into(),
            version: REGISTRY_VERSION,
            depth: self.depth(),
            schema: self.schema.clone(),
            root: self.root().to_string(),
            records,
        };
        serde_json::to_string(&f).unwrap_or_default()
    }

    /// Reads a registry file, recomputing and checking its root.
    pub fn from_json(text: &str) -> Result<Self, ProverError> {
        let f: RegistryFile = serde_json::from_str(text)
            .map_err(|e| ProverError::malformed("registry file", e.to_string()))?;
        if f.format != REGISTRY_FORMAT || f.version != REGISTRY_VERSION {
            return Err(ProverError::malformed(
                "registry file",
                format!(
                    "format {} version {} is not {REGISTRY_FORMAT} version {REGISTRY_VERSION}",
                    f.format, f.version
                ),
            ));
        }
        check_schema(&f.schema)?;
        let records = f
            .records
            .iter()
            .enumerate()
            .map(|(i, r)| Self::parse_record(&f.schema, i, r))
            .collect::<Result<Vec<_>, _>>()?;
        let reg = Self::new(f.depth, f.schema, records)?;
        if reg.root().to_string() != f.root {
            return Err(ProverError::malformed(
                "registry file",
                "the stored root does not match the records",
            ));
        }
        Ok(reg)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records() -> Vec<Record> {
        (1..=3u64)
            .map(|i| Record {
                owner_commitment: owner_commitment(&Fr::from(i)),
                fields: [i, 10 * i, 0, 0, 0, 0, 0, 0],
            })
            .collect()
    }

    fn schema() -> Vec<String> {
        vec!["district".into(), "area_m2".into()]
    }

    #[test]
    fn registry_file_round_trips_and_refuses_edited_records() {
        let reg = Registry::new(4, schema(), records()).unwrap();
        let json = reg.to_json();
        assert_eq!(Registry::from_json(&json).unwrap().root(), reg.root());
        let edited = json.replace("\"area_m2\":20", "\"area_m2\":21");
        assert_ne!(edited, json);
        assert!(
            Registry::from_json(&edited).is_err(),
            "edited record kept the stored root"
        );
    }

    #[test]
    fn duplicate_owner_commitments_are_refused() {
        let mut rs = records();
        rs[2].owner_commitment = rs[0].owner_commitment;
        assert!(Registry::new(4, schema(), rs).is_err());
        let reg = Registry::new(4, schema(), records()).unwrap();
        let (r, _) = reg.find(&Fr::from(2u64)).unwrap();
        assert_eq!(r.fields[0], 2);
        assert!(matches!(
            reg.find(&Fr::from(9u64)),
            Err(ProverError::NotInRegistry)
        ));
    }
}
