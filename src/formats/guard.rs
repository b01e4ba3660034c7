//! A last line of defence for readers of outside bytes. Decoders we depend on (the
//! protobuf code under `osmpbf`, for one) may panic on input their authors did not
//! foresee; [`catch_panic`] turns such a panic into a message the reader reports as an
//! error naming the file and the block or element, so a damaged file never ends a
//! command or the server with a crash.

use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};

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
    catch_unwind(AssertUnwindSafe(f)).map_err(|payload| panic_text(payload.as_ref()))
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
