//! Failed sign-ins, counted per user name and per client address over a sliding
//! window: past the limit, sign-in answers `429` with `Retry-After` without hashing
//! anything, so guessing costs the guesser time and the server nothing.
//!
//! The counts live in memory: a restart (or a lead's unlock) clears them. A lockout
//! kept in the workspace would let anyone lock a user out for good by guessing
//! wrongly on purpose; a throttle that forgets is enough to make online guessing
//! hopeless (10 tries per 15 minutes).

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How many failed sign-ins are allowed over what period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginLimit {
    /// Failures allowed per user name within `window`.
    pub per_user: usize,
    /// Failures allowed per client address within `window` (an office behind one
    /// address shares it, so it is larger).
    pub per_address: usize,
    /// The sliding window failures are counted over.
    pub window: Duration,
}

impl Default for LoginLimit {
    fn default() -> Self {
        Self {
            per_user: 10,
            per_address: 50,
            window: Duration::from_secs(15 * 60),
        }
    }
}

/// Whose failures a count is.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Who {
    User(String),
    Address(IpAddr),
}

/// Most names and addresses tracked at once; past it the expired ones are dropped,
/// then the oldest.
const MAX_TRACKED: usize = 100_000;

/// Failed sign-ins by user name and by address.
#[derive(Default)]
pub struct LoginThrottle {
    limit: LoginLimit,
    failures: Mutex<HashMap<Who, VecDeque<Instant>>>,
}

impl LoginThrottle {
    /// A throttle with this limit.
    pub fn new(limit: LoginLimit) -> Self {
        Self {
            limit,
            failures: Mutex::default(),
        }
    }

    /// How long until `user` from `address` may try again; `None` when they may now.
    pub fn wait(&self, user: &str, address: IpAddr) -> Option<Duration> {
        let now = Instant::now();
        let failures = self.failures.lock().ok()?;
        [
            (Who::User(user.to_string()), self.limit.per_user),
            (Who::Address(address), self.limit.per_address),
        ]
        .into_iter()
        .filter_map(|(who, allowed)| self.wait_for(failures.get(&who)?, allowed, now))
        .max()
    }

    /// The wait of one count: until the failure that put it over `allowed` leaves
    /// the window.
    fn wait_for(
        &self,
        times: &VecDeque<Instant>,
        allowed: usize,
        now: Instant,
    ) -> Option<Duration> {
        let recent: Vec<&Instant> = times
            .iter()
            .filter(|t| now.duration_since(**t) < self.limit.window)
            .collect();
        if recent.len() < allowed.max(1) {
            return None;
        }
        let oldest_that_counts = recent[recent.len() - allowed.max(1)];
        Some(self.limit.window - now.duration_since(*oldest_that_counts))
    }

    /// Counts a failed sign-in; returns the user's and the address's counts now.
    pub fn failed(&self, user: &str, address: IpAddr) -> (usize, usize) {
        let now = Instant::now();
        let Ok(mut failures) = self.failures.lock() else {
            return (0, 0);
        };
        if failures.len() >= MAX_TRACKED {
            let window = self.limit.window;
            failures.retain(|_, times| {
                times
                    .back()
                    .is_some_and(|t| now.duration_since(*t) < window)
            });
            if failures.len() >= MAX_TRACKED {
                failures.clear();
            }
        }
        let mut count = |who: Who| {
            let times = failures.entry(who).or_default();
            while times
                .front()
                .is_some_and(|t| now.duration_since(*t) >= self.limit.window)
            {
                times.pop_front();
            }
            times.push_back(now);
            times.len()
        };
        (
            count(Who::User(user.to_string())),
            count(Who::Address(address)),
        )
    }

    /// Forgets the failures of `user` (a right password, or a lead's unlock);
    /// returns whether there were any.
    pub fn clear_user(&self, user: &str) -> bool {
        self.failures
            .lock()
            .map(|mut f| f.remove(&Who::User(user.to_string())).is_some())
            .unwrap_or(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn throttle(per_user: usize, per_address: usize) -> LoginThrottle {
        LoginThrottle::new(LoginLimit {
            per_user,
            per_address,
            window: Duration::from_secs(60),
        })
    }

    #[test]
    fn a_user_is_held_after_the_allowed_failures_until_unlocked() {
        let t = throttle(3, 100);
        let here: IpAddr = [10, 0, 0, 1].into();
        for _ in 0..2 {
            t.failed("li", here);
        }
        assert_eq!(t.wait("li", here), None);
        assert_eq!(t.failed("li", here), (3, 3));
        let wait = t.wait("li", here).expect("held");
        assert!(wait > Duration::from_secs(59) && wait <= Duration::from_secs(60));
        // From another address too: the name is held, not the machine.
        assert!(t.wait("li", [10, 0, 0, 2].into()).is_some());
        assert_eq!(t.wait("wang", here), None);
        assert!(t.clear_user("li"));
        assert_eq!(t.wait("li", here), None);
        assert!(!t.clear_user("li"));
    }

    #[test]
    fn an_address_guessing_many_names_is_held() {
        let t = throttle(100, 4);
        let guesser: IpAddr = [192, 0, 2, 7].into();
        for i in 0..4 {
            t.failed(&format!("user{i}"), guesser);
        }
        assert!(t.wait("anyone", guesser).is_some());
        assert_eq!(t.wait("anyone", [192, 0, 2, 8].into()), None);
    }

    #[test]
    fn failures_leave_the_window() {
        let t = LoginThrottle::new(LoginLimit {
            per_user: 1,
            per_address: 1,
            window: Duration::from_millis(30),
        });
        let here: IpAddr = [127, 0, 0, 1].into();
        t.failed("li", here);
        assert!(t.wait("li", here).is_some());
        std::thread::sleep(Duration::from_millis(40));
        assert_eq!(t.wait("li", here), None);
    }
}
