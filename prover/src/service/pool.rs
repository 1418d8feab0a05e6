//! The proving pool: a fixed number of dedicated threads with large
//! stacks, fed by a bounded queue, with admission decided at once.
//!
//! Proving runs here and never on the async runtime. Each proving thread
//! runs its jobs inside a rayon pool of its own, `threads_per_proof`
//! threads wide (by default cores ÷ proving threads, so one proof per core
//! on a loaded service): arkworks' parallel loops then stay on that proof's
//! own threads instead of every proof contending for the global pool, and
//! the pool arkworks builds per multi-scalar multiplication is as narrow.
//! (Proving from inside the *global* pool's workers, many at once, piles
//! those per-MSM pools up: the election benchmark found 9,000 threads.) A
//! request
//! is admitted only while fewer than `workers + queue` jobs are admitted;
//! otherwise it is refused on the spot (`overloaded`, HTTP 429 with
//! `Retry-After`), so memory is bounded by the admitted jobs whatever the
//! load. A job that waited in the queue longer than `max_wait` is refused
//! when its turn comes, without being started: every job is either
//! answered or never started.

use std::{
    panic::{catch_unwind, AssertUnwindSafe},
    sync::{
        atomic::{AtomicUsize, Ordering},
        mpsc, Arc, Mutex,
    },
    thread::JoinHandle,
    time::{Duration, Instant},
};

use tokio::sync::oneshot;
use zkgov_ledger::ErrorCode;

use super::error::ServiceError;

/// Stack size of a proving thread (the circuits synthesise deep gadget
/// trees; the main thread's 8 MiB is enough, this leaves room).
const STACK: usize = 32 << 20;

type Job = Box<dyn FnOnce() + Send>;

/// Counters the metrics read.
#[derive(Default)]
pub(crate) struct Load {
    /// Jobs admitted and not yet finished (queued + running).
    pub(crate) admitted: AtomicUsize,
    /// Jobs running.
    pub(crate) running: AtomicUsize,
}

/// The pool.
pub(crate) struct Pool {
    tx: Mutex<Option<mpsc::SyncSender<Job>>>,
    threads: Mutex<Vec<JoinHandle<()>>>,
    capacity: usize,
    max_wait: Duration,
    pub(crate) load: Arc<Load>,
}

/// Gives the admission back when the job ends, however it ends.
struct Admitted(Arc<Load>);

impl Drop for Admitted {
    fn drop(&mut self) {
        self.0.admitted.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Pool {
    /// `workers` threads and room for `queue` waiting jobs.
    pub(crate) fn new(
        workers: usize,
        threads_per_proof: usize,
        queue: usize,
        max_wait: Duration,
    ) -> std::io::Result<Self> {
        let workers = workers.max(1);
        let width = threads_per_proof.max(1);
        let capacity = workers + queue;
        let (tx, rx) = mpsc::sync_channel::<Job>(capacity);
        let rx = Arc::new(Mutex::new(rx));
        let mut threads = Vec::with_capacity(workers);
        for i in 0..workers {
            let rx = Arc::clone(&rx);
            let own = rayon::ThreadPoolBuilder::new()
                .num_threads(width)
                .stack_size(STACK)
                .thread_name(move |t| format!("zkgov-prove-{i}.{t}"))
                .build()
                .map_err(std::io::Error::other)?;
            threads.push(
                std::thread::Builder::new()
                    .name(format!("zkgov-prove-{i}"))
                    .stack_size(STACK)
                    .spawn(move || loop {
                        let job = match rx.lock() {
                            Ok(rx) => rx.recv(),
                            Err(_) => return,
                        };
                        match job {
                            Ok(job) => own.install(job),
                            Err(_) => return,
                        }
                    })?,
            );
        }
        Ok(Pool {
            tx: Mutex::new(Some(tx)),
            threads: Mutex::new(threads),
            capacity,
            max_wait,
            load: Arc::new(Load::default()),
        })
    }

    /// Most jobs admitted at once.
    pub(crate) fn capacity(&self) -> usize {
        self.capacity
    }

    /// Admits `f` or refuses at once; the answer arrives on the receiver.
    pub(crate) fn submit<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> Result<T, ServiceError> + Send + 'static,
    ) -> Result<oneshot::Receiver<Result<T, ServiceError>>, ServiceError> {
        let admitted = self
            .load
            .admitted
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                (n < self.capacity).then_some(n + 1)
            });
        if admitted.is_err() {
            return Err(overloaded(self.capacity));
        }
        let guard = Admitted(Arc::clone(&self.load));
        let (answer, rx) = oneshot::channel();
        let load = Arc::clone(&self.load);
        let (queued_at, max_wait) = (Instant::now(), self.max_wait);
        let job: Job = Box::new(move || {
            let out = if queued_at.elapsed() > max_wait {
                Err(ServiceError::new(
                    ErrorCode::Overloaded,
                    format!(
                        "the request waited over {} ms for a proving thread and was not started; retry later",
                        max_wait.as_millis()
                    ),
                ))
            } else {
                load.running.fetch_add(1, Ordering::SeqCst);
                let out = catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|_| {
                    tracing::error!("a proving job panicked");
                    Err(ServiceError::internal())
                });
                load.running.fetch_sub(1, Ordering::SeqCst);
                out
            };
            // The place is free before the answer leaves: a client that
            // sends its next request on the answer finds it free.
            drop(guard);
            let _ = answer.send(out);
        });
        let sent = match self.tx.lock() {
            Ok(tx) => tx.as_ref().map(|tx| tx.try_send(job)),
            Err(_) => None,
        };
        match sent {
            Some(Ok(())) => Ok(rx),
            // Full cannot happen (admission is below the channel's bound);
            // closed means shutting down.
            Some(Err(mpsc::TrySendError::Full(_))) => Err(overloaded(self.capacity)),
            _ => Err(ServiceError::new(
                ErrorCode::Closed,
                "the service is shutting down",
            )),
        }
    }

    /// Stops taking jobs, lets the admitted ones finish, joins the threads.
    pub(crate) fn shutdown(&self) {
        if let Ok(mut tx) = self.tx.lock() {
            tx.take();
        }
        let threads = match self.threads.lock() {
            Ok(mut t) => std::mem::take(&mut *t),
            Err(_) => return,
        };
        for t in threads {
            let _ = t.join();
        }
    }
}

fn overloaded(capacity: usize) -> ServiceError {
    ServiceError::new(
        ErrorCode::Overloaded,
        format!("all {capacity} proving places are taken; retry later"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn admission_is_bounded_and_refusals_are_immediate() {
        let pool = Pool::new(1, 1, 1, Duration::from_secs(60)).unwrap();
        let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
        let release_rx = Arc::new(Mutex::new(release_rx));
        let mut waiting = Vec::new();
        for _ in 0..2 {
            let r = Arc::clone(&release_rx);
            waiting.push(
                pool.submit(move || {
                    let _ = r.lock().unwrap().recv();
                    Ok(1u32)
                })
                .unwrap(),
            );
        }
        let refused = pool.submit(|| Ok(2u32)).unwrap_err();
        assert_eq!(refused.code, ErrorCode::Overloaded);
        release_tx.send(()).unwrap();
        release_tx.send(()).unwrap();
        for w in waiting {
            assert_eq!(w.await.unwrap().unwrap(), 1);
        }
        assert_eq!(pool.load.admitted.load(Ordering::SeqCst), 0);
        assert_eq!(pool.submit(|| Ok(3u32)).unwrap().await.unwrap().unwrap(), 3);
        pool.shutdown();
        assert_eq!(
            pool.submit(|| Ok(4u32)).unwrap_err().code,
            ErrorCode::Closed
        );
    }

    #[tokio::test]
    async fn a_job_that_waited_too_long_is_not_started() {
        let pool = Pool::new(1, 1, 1, Duration::from_millis(50)).unwrap();
        let blocker = pool
            .submit(|| {
                std::thread::sleep(Duration::from_millis(200));
                Ok(())
            })
            .unwrap();
        let started = Arc::new(AtomicUsize::new(0));
        let s = Arc::clone(&started);
        let late = pool
            .submit(move || {
                s.fetch_add(1, Ordering::SeqCst);
                Ok(())
            })
            .unwrap();
        blocker.await.unwrap().unwrap();
        assert_eq!(late.await.unwrap().unwrap_err().code, ErrorCode::Overloaded);
        assert_eq!(started.load(Ordering::SeqCst), 0);
        pool.shutdown();
    }
}
