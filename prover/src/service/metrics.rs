//! Prometheus metrics (text exposition at `/metrics`). Labels are the
//! statement and the error code: nothing from a request's inputs.

use std::sync::{atomic::Ordering, Arc};

use prometheus_client::{
    encoding::EncodeLabelSet,
    metrics::{counter::Counter, family::Family, gauge::Gauge, histogram::Histogram},
    registry::Registry,
};

use super::pool::Load;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub(crate) struct StatementLabel {
    pub(crate) statement: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub(crate) struct RefusalLabel {
    pub(crate) statement: &'static str,
    pub(crate) code: &'static str,
}

type Histograms = Family<StatementLabel, Histogram, fn() -> Histogram>;

fn latency() -> Histogram {
    Histogram::new([
        0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
    ])
}

/// The service's metrics.
pub(crate) struct Metrics {
    registry: Registry,
    pub(crate) proofs: Family<StatementLabel, Counter>,
    pub(crate) refused: Family<RefusalLabel, Counter>,
    pub(crate) request_seconds: Histograms,
    pub(crate) prove_seconds: Histograms,
    queue_depth: Gauge,
    proving: Gauge,
    load: Arc<Load>,
}

impl Metrics {
    pub(crate) fn new(load: Arc<Load>) -> Self {
        let mut registry = Registry::with_prefix("zkgov");
        let proofs = Family::<StatementLabel, Counter>::default();
        let refused = Family::<RefusalLabel, Counter>::default();
        let request_seconds: Histograms = Family::new_with_constructor(latency);
        let prove_seconds: Histograms = Family::new_with_constructor(latency);
        let queue_depth = Gauge::default();
        let proving = Gauge::default();
        registry.register("proofs", "Proofs made and anchored", proofs.clone());
        registry.register(
            "refused",
            "Requests refused, by stable error code",
            refused.clone(),
        );
        registry.register(
            "request_seconds",
            "Time from request to answer, for answered prove requests",
            request_seconds.clone(),
        );
        registry.register(
            "prove_seconds",
            "Time a proving thread spent on one job",
            prove_seconds.clone(),
        );
        registry.register(
            "queue_depth",
            "Admitted jobs waiting for a proving thread",
            queue_depth.clone(),
        );
        registry.register("proving", "Jobs being proven now", proving.clone());
        Metrics {
            registry,
            proofs,
            refused,
            request_seconds,
            prove_seconds,
            queue_depth,
            proving,
            load,
        }
    }

    /// The text exposition.
    pub(crate) fn encode(&self) -> String {
        let running = self.load.running.load(Ordering::SeqCst);
        let admitted = self.load.admitted.load(Ordering::SeqCst);
        self.proving.set(running as i64);
        self.queue_depth
            .set(admitted.saturating_sub(running) as i64);
        let mut out = String::new();
        if prometheus_client::encoding::text::encode(&mut out, &self.registry).is_err() {
            return String::new();
        }
        out
    }
}
