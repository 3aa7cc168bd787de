//! What the API worked out a moment ago, kept for a few seconds: how many
//! people a caller's filter matches, and where each page of them begins.
//! Clients page through thousands of pages in a row; counting the group, or
//! counting up to the page, on every page costs more than the page itself.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// How long a value stands.
pub const AGE: Duration = Duration::from_secs(2);

/// A stale value is still served (while it is worked out again) up to this
/// age; past it, the caller works it out itself.
const STALE: Duration = Duration::from_secs(20);

/// Values kept at most: past it, the stale ones go, and if none were, all
/// do, so a client sending a new filter each time cannot grow it without end.
const KEPT: usize = 4096;

pub struct Recent<K, V> {
    kept: Mutex<HashMap<K, (Instant, V)>>,
    /// How many times everything was forgotten: a value worked out before
    /// the latest time is not put (see `put_since`).
    forgotten: AtomicU64,
}

impl<K, V> Default for Recent<K, V> {
    fn default() -> Self {
        Recent { kept: Mutex::new(HashMap::new()), forgotten: AtomicU64::new(0) }
    }
}

impl<K: Eq + Hash, V: Clone> Recent<K, V> {
    /// The value, if it was put less than `AGE` ago.
    pub fn get(&self, key: &K) -> Option<V> {
        let kept = self.kept.lock().ok()?;
        kept.get(key).filter(|(at, _)| at.elapsed() < AGE).map(|(_, v)| v.clone())
    }

    /// The value if it is younger than `STALE`, and whether it is older than `AGE`.
    pub fn get_stale(&self, key: &K) -> Option<(V, bool)> {
        let kept = self.kept.lock().ok()?;
        kept.get(key).filter(|(at, _)| at.elapsed() < STALE).map(|(at, v)| (v.clone(), at.elapsed() >= AGE))
    }

    pub fn put(&self, key: K, value: V) {
        let Ok(mut kept) = self.kept.lock() else { return };
        keep(&mut kept, key, value);
    }

    /// Forget every value: what they were worked out from has changed.
    pub fn forget_all(&self) {
        if let Ok(mut kept) = self.kept.lock() {
            self.forgotten.fetch_add(1, Ordering::AcqRel);
            kept.clear();
        }
    }

    /// A mark to take before working a value out, for `put_since`.
    pub fn mark(&self) -> u64 {
        self.forgotten.load(Ordering::Acquire)
    }

    /// Put a value worked out after `mark`, unless everything was forgotten
    /// since: it may have been read before the change that forgot it.
    pub fn put_since(&self, mark: u64, key: K, value: V) {
        let Ok(mut kept) = self.kept.lock() else { return };
        if self.forgotten.load(Ordering::Acquire) == mark {
            keep(&mut kept, key, value);
        }
    }
}

fn keep<K: Eq + Hash, V>(kept: &mut HashMap<K, (Instant, V)>, key: K, value: V) {
    if kept.len() >= KEPT {
        kept.retain(|_, (at, _)| at.elapsed() < AGE);
        if kept.len() >= KEPT {
            kept.clear();
        }
    }
    kept.insert(key, (Instant::now(), value));
}

#[cfg(test)]
mod tests {
    use super::Recent;

    #[test]
    fn a_value_read_before_everything_was_forgotten_is_not_kept() {
        let recent: Recent<&str, i32> = Recent::default();
        let before = recent.mark();
        recent.forget_all();
        recent.put_since(before, "token", 1);
        assert_eq!(recent.get(&"token"), None, "read before the revocation that forgot it");
        recent.put_since(recent.mark(), "token", 2);
        assert_eq!(recent.get(&"token"), Some(2));
        recent.forget_all();
        assert_eq!(recent.get(&"token"), None);
    }
}
