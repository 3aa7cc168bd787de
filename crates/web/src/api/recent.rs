//! What the API worked out a moment ago, kept for a few seconds: how many
//! people a caller's filter matches, and where each page of them begins.
//! Clients page through thousands of pages in a row; counting the group, or
//! counting up to the page, on every page costs more than the page itself.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
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
}

impl<K, V> Default for Recent<K, V> {
    fn default() -> Self {
        Recent { kept: Mutex::new(HashMap::new()) }
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
        if kept.len() >= KEPT {
            kept.retain(|_, (at, _)| at.elapsed() < AGE);
            if kept.len() >= KEPT {
                kept.clear();
            }
        }
        kept.insert(key, (Instant::now(), value));
    }

    /// Forget every value: what they were worked out from has changed.
    pub fn forget_all(&self) {
        if let Ok(mut kept) = self.kept.lock() {
            kept.clear();
        }
    }
}
