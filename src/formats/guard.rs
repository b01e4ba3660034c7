//! A last line of defence for readers of outside bytes. Decoders we depend on (the
//! protobuf code under `osmpbf`, for one) may panic on input their authors did not
//! foresee; [`catch_panic`] turns such a panic into a message the reader reports as an
//! error naming the file and the block or element, so a damaged file never ends a
//! command or the server with a crash.

use std::any::Any;
use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Once;

thread_local! {
    /// True while this thread runs inside [`catch_panic`]: the panic is reported as an
    /// error, so the hook's "thread panicked at …" line would only confuse.
    static GUARDED: Cell<bool> = const { Cell::new(false) };
}

/// Wraps the panic hook in place at first use so that it stays quiet for guarded
/// panics and speaks as before for every other one (on every thread).
fn quiet_hook_for_guarded_panics() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !GUARDED.with(Cell::get) {
                previous(info);
            }
        }));
    });
}

/// Runs `f`; a panic inside it comes back as `Err(what the panic said)`.
///
/// The closure may leave what it captured half-updated; callers drop it with the error.
///
/// ```
/// use gridpatrol::formats::guard::catch_panic;
/// assert_eq!(catch_panic(|| 2 + 2), Ok(4));
/// let v: Vec<u8> = Vec::new();
/// let err = catch_panic(|| v[3]).unwrap_err();
/// assert!(err.contains("index out of bounds"), "{err}");
/// ```
pub fn catch_panic<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    quiet_hook_for_guarded_panics();
    let outer = GUARDED.with(|g| g.replace(true));
    let result = catch_unwind(AssertUnwindSafe(f));
    GUARDED.with(|g| g.set(outer));
    result.map_err(|payload| panic_text(payload.as_ref()))
}

/// Panics caught by [`at_boundary`] since the process started: each is a bug in a
/// reader (the replay of the fuzz corpus checks it stays 0).
static BOUNDARY_PANICS: AtomicUsize = AtomicUsize::new(0);

/// The last line of defence at the door of every reader of outside bytes: a panic in
/// `read` (ours or a dependency's) becomes the error `on_panic` makes of its message,
/// so that a command or the server never dies of a file.
///
/// Fuzz builds (`--cfg fuzzing`) let the panic through, so the fuzzer sees the bug.
pub fn at_boundary<T, E>(
    read: impl FnOnce() -> Result<T, E>,
    on_panic: impl FnOnce(String) -> E,
) -> Result<T, E> {
    if cfg!(fuzzing) {
        return read();
    }
    catch_panic(read).unwrap_or_else(|message| {
        BOUNDARY_PANICS.fetch_add(1, Ordering::Relaxed);
        Err(on_panic(format!(
            "the reader failed on this file (a bug; please report it with the file): {message}"
        )))
    })
}

/// How many panics [`at_boundary`] has caught in this process.
pub fn boundary_panics() -> usize {
    BOUNDARY_PANICS.load(Ordering::Relaxed)
}

fn panic_text(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic without a message".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_at_the_boundary_becomes_the_readers_error_and_is_counted() {
        let before = boundary_panics();
        let read = || -> Result<u8, String> {
            let bytes: &[u8] = &[];
            Ok(bytes[1])
        };
        let err = at_boundary(read, |m| format!("x.csv: {m}")).unwrap_err();
        assert!(
            err.starts_with("x.csv: the reader failed on this file"),
            "{err}"
        );
        assert!(err.contains("index out of bounds"), "{err}");
        assert_eq!(boundary_panics(), before + 1);
        assert_eq!(at_boundary(|| Ok::<_, String>(3), |m| m), Ok(3));
    }
}
