//! The server's background work (the outbox, the mail server's retries, housekeeping): loops
//! that stop between two pieces of work when the server stops, never in the middle of one, so
//! a message is sent and recorded or left for the next start.
use std::future::Future;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinSet;

/// What a worker watches to know the server is stopping.
#[derive(Clone)]
pub struct Stop(watch::Receiver<bool>);

impl Stop {
    /// A stop that never comes, for running one round of a worker by hand (tests, commands).
    pub fn never() -> Self {
        let (sender, receiver) = watch::channel(false);
        // The receiver keeps its last value once the sender is gone.
        drop(sender);
        Self(receiver)
    }

    pub fn requested(&self) -> bool {
        *self.0.borrow()
    }

    /// Waits for `wake` or `pause`, whichever comes first; `false` when the server is stopping
    /// instead.
    pub async fn wait(&mut self, wake: impl Future<Output = ()>, pause: Duration) -> bool {
        if self.requested() {
            return false;
        }
        let stopped = async {
            // With its sender gone (`never`), no stop can come.
            if self.0.wait_for(|stopping| *stopping).await.is_err() {
                std::future::pending::<()>().await;
            }
        };
        tokio::select! {
            _ = stopped => false,
            _ = wake => true,
            _ = tokio::time::sleep(pause) => true,
        }
    }
}

/// The running workers.
pub struct Background {
    stop: watch::Sender<bool>,
    workers: JoinSet<()>,
}

impl Default for Background {
    fn default() -> Self {
        Self {
            stop: watch::channel(false).0,
            workers: JoinSet::new(),
        }
    }
}

impl Background {
    /// Runs `worker` until the server stops; it is given the `Stop` to watch.
    pub fn spawn<F, Fut>(&mut self, worker: F)
    where
        F: FnOnce(Stop) -> Fut,
        Fut: Future<Output = ()> + Send + 'static,
    {
        self.workers.spawn(worker(Stop(self.stop.subscribe())));
    }

    /// Tells every worker to stop and waits for each to finish what it was doing.
    pub async fn stop(mut self) {
        self.stop.send_replace(true);
        while let Some(done) = self.workers.join_next().await {
            if let Err(e) = done {
                tracing::error!(error = %e, "a background worker ended abnormally");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    #[tokio::test]
    async fn stopping_lets_the_work_in_hand_finish_and_takes_no_more() {
        let mut background = Background::default();
        let done = Arc::new(AtomicUsize::new(0));
        let counted = done.clone();
        background.spawn(|mut stop| async move {
            while !stop.requested() {
                // A piece of work that outlasts the stop's arrival.
                tokio::time::sleep(Duration::from_millis(50)).await;
                counted.fetch_add(1, Ordering::SeqCst);
                if !stop
                    .wait(std::future::pending(), Duration::from_millis(1))
                    .await
                {
                    break;
                }
            }
        });
        tokio::time::sleep(Duration::from_millis(20)).await;
        background.stop().await;
        assert_eq!(done.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_stop_that_never_comes_never_interrupts() {
        let mut stop = Stop::never();
        assert!(!stop.requested());
        assert!(stop.wait(async {}, Duration::from_secs(60)).await);
    }
}
