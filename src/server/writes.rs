//! Group commit for inspections: writers that arrive while a commit is running
//! queue up, and the next commit takes them all in one transaction (one `fsync`
//! for many). With 40 field devices writing at once, each waits for about one
//! commit instead of forty.

use std::sync::{Arc, Mutex};

use tokio::sync::oneshot;

use super::error::ApiError;
use super::workspace::ServerData;
use crate::store::{Actor, IdempotencyKey, Inspection, InspectionInput, KeyedInspection, Once};

/// Most inspections one commit takes.
const MAX_BATCH: usize = 256;

/// An inspection to record, with its key (scope, key, request hash) if any.
pub struct Pending {
    /// Who sends it: the audit log names them.
    pub actor: Actor,
    /// The client's key: (scope, key, request hash).
    pub key: Option<(String, String, String)>,
    /// The inspection.
    pub input: InspectionInput,
    reply: oneshot::Sender<Result<Once<Inspection>, ApiError>>,
}

/// What an inspection is answered with (kept under its key for a repeat).
pub type Answer = fn(&Inspection) -> String;

/// The queue and whether a committer is running.
#[derive(Default)]
pub struct InspectionQueue {
    state: Mutex<(Vec<Pending>, bool)>,
}

impl InspectionQueue {
    /// Records `input` (once per key) in the next commit; waits for it.
    pub async fn record(
        self: &Arc<Self>,
        data: Arc<ServerData>,
        user: &str,
        key: Option<(String, String, String)>,
        input: InspectionInput,
        answer: Answer,
    ) -> Result<Once<Inspection>, ApiError> {
        let (reply, done) = oneshot::channel();
        let start_committer = {
            let mut state = self
                .state
                .lock()
                .map_err(|_| ApiError::internal("inspection queue poisoned"))?;
            state.0.push(Pending {
                actor: Actor::web_user(user),
                key,
                input,
                reply,
            });
            !std::mem::replace(&mut state.1, true)
        };
        if start_committer {
            let queue = self.clone();
            tokio::task::spawn_blocking(move || queue.commit_all(&data, answer));
        }
        done.await
            .map_err(|_| ApiError::internal("the inspection committer stopped"))?
    }

    /// Commits batches until the queue is empty, then stops (under the queue's lock,
    /// so a writer arriving then starts the next committer).
    fn commit_all(&self, data: &ServerData, answer: Answer) {
        loop {
            let batch: Vec<Pending> = {
                let Ok(mut state) = self.state.lock() else {
                    return;
                };
                if state.0.is_empty() {
                    state.1 = false;
                    return;
                }
                let take = state.0.len().min(MAX_BATCH);
                state.0.drain(..take).collect()
            };
            commit(data, batch, answer);
        }
    }
}

/// One transaction for `batch`; each writer gets its own outcome.
fn commit(data: &ServerData, batch: Vec<Pending>, answer: Answer) {
    let items: Vec<KeyedInspection<'_>> = batch
        .iter()
        .map(|p| KeyedInspection {
            key: p.key.as_ref().map(|(scope, key, hash)| IdempotencyKey {
                scope,
                key,
                request_hash: hash,
            }),
            input: &p.input,
            actor: Some(&p.actor),
        })
        .collect();
    let outcomes = data
        .store()
        .and_then(|mut ws| Ok(ws.record_inspections_keyed(&items, answer)?));
    drop(items);
    match outcomes {
        Ok(outcomes) => {
            for (pending, outcome) in batch.into_iter().zip(outcomes) {
                let _ = pending.reply.send(outcome.map_err(ApiError::from));
            }
        }
        Err(e) => {
            for pending in batch {
                let _ = pending.reply.send(Err(e.clone()));
            }
        }
    }
}
