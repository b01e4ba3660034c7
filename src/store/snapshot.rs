//! What readers beside the writer need: a cheap stamp of the workspace's state, to
//! know whether an answer built earlier is still current, and a consistent snapshot
//! to read from.

use super::{StoreError, Workspace};

/// Identifies a state of the workspace: SQLite's `data_version` moves when another
/// connection (the server's writer, another process: `gridpatrol import`,
/// `inspect`...) commits, and `total_changes()` when the asking one writes. Both only
/// grow, so a stamp at least as large as another (in both) is as new or newer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChangeStamp {
    data_version: i64,
    own_changes: i64,
}

impl ChangeStamp {
    /// Whether an answer built at `self` is current for a workspace at `other`.
    pub fn covers(self, other: ChangeStamp) -> bool {
        self.data_version >= other.data_version && self.own_changes >= other.own_changes
    }
}

impl Workspace {
    /// The workspace's current [`ChangeStamp`] (one cheap query, no table read).
    pub fn change_stamp(&self) -> Result<ChangeStamp, StoreError> {
        Ok(self.conn().query_row(
            "SELECT data_version, total_changes() FROM pragma_data_version",
            [],
            |r| {
                Ok(ChangeStamp {
                    data_version: r.get(0)?,
                    own_changes: r.get(1)?,
                })
            },
        )?)
    }

    /// Runs `read` on one consistent snapshot (a deferred transaction, rolled back:
    /// nothing is written). Gives the answer and whether the snapshot ended cleanly,
    /// so the connection can be reused.
    pub fn read_snapshot<T>(
        &self,
        read: impl FnOnce(&Workspace) -> T,
    ) -> Result<(T, bool), StoreError> {
        self.conn().execute_batch("BEGIN DEFERRED")?;
        let answer = read(self);
        // Only read: ending it cannot lose anything, and frees the snapshot.
        let ended = self.conn().execute_batch("ROLLBACK").is_ok();
        Ok((answer, ended))
    }
}
