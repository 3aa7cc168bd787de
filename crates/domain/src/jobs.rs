//! Background jobs: the kinds of work done after a request, and how long a
//! failed job waits before its next attempt.

use chrono::Duration;

/// What a job does. The payload's shape depends on the kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JobKind {
    /// Send one message from the outbox.
    SendEmail,
    /// Turn the next batch of a broadcast's recipients into messages.
    Broadcast,
    /// Email members the follow-ups that went overdue (recurring).
    FollowUpsDue,
    /// Delete what is kept only for a while: expired password resets and sessions,
    /// signatures never confirmed, electoral registers past their destroy-by date (recurring).
    Retention,
    /// Email the people going to an event that it is soon (when its reminder is due).
    EventReminders,
    /// Read a file uploaded for import: a dry run, or the import.
    Import,
    /// Move needs for help on: expire, time out offers, match, escalate (recurring).
    AidSweep,
}

crate::stored_as_text!(JobKind {
    SendEmail = "send_email",
    Broadcast = "broadcast",
    FollowUpsDue = "follow_ups_due",
    Retention = "retention",
    EventReminders = "event_reminders",
    Import = "import",
    AidSweep = "aid_sweep",
});

impl JobKind {
    pub fn label(self) -> &'static str {
        match self {
            JobKind::SendEmail => "Send an email",
            JobKind::Broadcast => "Queue a broadcast",
            JobKind::FollowUpsDue => "Email overdue follow-ups",
            JobKind::Retention => "Delete expired data",
            JobKind::EventReminders => "Remind people of an event",
            JobKind::Import => "Import people from a file",
            JobKind::AidSweep => "Move needs for help on",
        }
    }
}

/// Where a job is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JobStatus {
    /// Waiting for its time, or held by a worker until its lease runs out.
    Queued,
    /// Out of attempts; kept for admins to see and retry.
    Failed,
}

crate::stored_as_text!(JobStatus { Queued = "queued", Failed = "failed" });

/// How retries are spaced: `base`, doubling each attempt, never more than `cap`.
#[derive(Clone, Copy, Debug)]
pub struct Backoff {
    pub base: Duration,
    pub cap: Duration,
    /// Attempts before a job is marked failed.
    pub attempts: i32,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff { base: Duration::seconds(30), cap: Duration::hours(2), attempts: 8 }
    }
}

impl Backoff {
    /// The wait after the `attempt`th failure (counting from 1).
    pub fn after(&self, attempt: i32) -> Duration {
        let doublings = u32::try_from(attempt.saturating_sub(1)).unwrap_or(0).min(30);
        let wait = self.base.checked_mul(1 << doublings).unwrap_or(self.cap);
        wait.min(self.cap)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_up_to_the_cap() {
        let b = Backoff::default();
        let waits: Vec<i64> = (1..=10).map(|n| b.after(n).num_seconds()).collect();
        assert_eq!(waits, [30, 60, 120, 240, 480, 960, 1920, 3840, 7200, 7200]);
        assert_eq!(b.after(1000), b.cap);
        assert_eq!(b.after(0), b.base);
    }
}
