//! Sending one message from the outbox over SMTP: the `SendEmail` job.

use lettre::message::header::ContentType;
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use tredegar_db::jobs::{Done, Job};
use tredegar_db::outbox::{self, Message};
use tredegar_domain::MessageId;
use tredegar_domain::mail::{MailKind, OutboxStatus, fill};

use crate::AppState;

/// The SMTP connection pool and the From address.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    pub fn new(smtp_url: &str, from: &str) -> Result<Mailer, String> {
        let from: Mailbox = from.parse().map_err(|e| format!("mail_from '{from}' is not an email address: {e}"))?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp_url)
            .map_err(|e| format!("smtp_url must look like smtp://host:port or smtps://user:password@host:465 ({e})"))?
            .timeout(Some(std::time::Duration::from_secs(30)))
            .build();
        Ok(Mailer { transport, from })
    }
}

/// Without SMTP, a message waits this long before it looks again; a server
/// that starts with SMTP configured sends what waits at once.
const HELD: chrono::Duration = chrono::Duration::hours(1);

/// Send the message the job names. A message that is gone (its person was
/// erased) or already sent needs nothing more.
pub async fn deliver(state: &AppState, job: &Job) -> Result<Done, String> {
    let id: MessageId = job.payload.parse().map_err(|_| format!("'{}' is not a message id", job.payload))?;
    let Some(mailer) = &state.mailer else {
        return Ok(Done::Later(state.clock.now() + HELD));
    };
    let mut tx = state.db.read().await.map_err(|e| e.to_string())?;
    let Some(m) = outbox::get(&mut tx, id).await.map_err(|e| e.to_string())? else { return Ok(Done::Finished) };
    // A failed message sent round again by an admin goes out again; a sent one never twice.
    if m.status == OutboxStatus::Sent {
        return Ok(Done::Finished);
    }
    let footer = match (m.unsubscribe, m.group_id) {
        (true, Some(group)) => {
            let template = outbox::template(&mut tx, group, MailKind::BroadcastFooter).await.map_err(|e| e.to_string())?;
            let group_name = tredegar_db::groups::name_of(&mut tx, group).await.map_err(|e| e.to_string())?;
            let url = super::unsubscribe::link(state, m.id).await.map_err(|e| e.to_string())?;
            Some((fill(&template.body, &[("group", &group_name), ("unsubscribe", &url)]), url))
        }
        _ => None,
    };
    drop(tx);
    let sent = match build(&m, &mailer.from, footer) {
        Ok(email) => mailer.transport.send(email).await.map(|_| ()).map_err(|e| (e.is_permanent(), e.to_string())),
        // A message that cannot be built never will be.
        Err(e) => Err((true, e)),
    };
    let mut tx = state.db.write().await.map_err(|e| e.to_string())?;
    let done = match sent {
        Ok(()) => {
            outbox::sent(&mut tx, &m, state.clock.now()).await.map_err(|e| e.to_string())?;
            Ok(Done::Finished)
        }
        // The server refused it for good (no such mailbox): no retry, and the address is bouncing.
        Err((true, e)) => {
            outbox::failed(&mut tx, m.id, &e, true).await.map_err(|e| e.to_string())?;
            outbox::bounced(&mut tx, &m).await.map_err(|e| e.to_string())?;
            Ok(Done::GaveUp(e))
        }
        Err((false, e)) => {
            outbox::failed(&mut tx, m.id, &e, job.attempts >= state.config.job_backoff.attempts).await.map_err(|e| e.to_string())?;
            Err(e)
        }
    };
    tx.commit().await.map_err(|e| e.to_string())?;
    done
}

/// The email: the text, and the same as simple HTML; a broadcast's footer and
/// its `List-Unsubscribe` headers (RFC 8058).
fn build(m: &Message, from: &Mailbox, footer: Option<(String, String)>) -> Result<lettre::Message, String> {
    let to: Mailbox = m.to_address.parse().map_err(|e| format!("cannot send to '{}': {e}", m.to_address))?;
    let mut text = m.text_body.clone();
    // A Message-ID made here: some relays add none, and mail without one is marked as spam.
    let mut builder = lettre::Message::builder().from(from.clone()).to(to).subject(&m.subject).message_id(None);
    if let Some((footer, url)) = footer {
        text.push_str("\n\n-- \n");
        text.push_str(&footer);
        builder = builder
            .raw_header(HeaderValue::new(HeaderName::new_from_ascii_str("List-Unsubscribe"), format!("<{url}>")))
            .raw_header(HeaderValue::new(HeaderName::new_from_ascii_str("List-Unsubscribe-Post"), "List-Unsubscribe=One-Click".into()));
    }
    let html = html_of(&text);
    let body = MultiPart::alternative_plain_html(text, html);
    match &m.calendar {
        None => builder.multipart(body),
        // An event's file, which a mail program offers to add to the calendar.
        Some(calendar) => {
            let kind = ContentType::parse("text/calendar; charset=utf-8; method=PUBLISH").map_err(|e| e.to_string())?;
            builder
                .multipart(MultiPart::mixed().multipart(body).singlepart(Attachment::new("event.ics".into()).body(calendar.clone(), kind)))
        }
    }
    .map_err(|e| e.to_string())
}

/// Plain text as HTML: paragraphs, line breaks, and its web addresses as links.
fn html_of(text: &str) -> String {
    let mut html = String::from("<!DOCTYPE html>\n<html><body>\n");
    for paragraph in text.split("\n\n") {
        html.push_str("<p>");
        for (i, line) in paragraph.lines().enumerate() {
            if i > 0 {
                html.push_str("<br>\n");
            }
            for (j, word) in line.split(' ').enumerate() {
                if j > 0 {
                    html.push(' ');
                }
                html.push_str(&linked(word));
            }
        }
        html.push_str("</p>\n");
    }
    html.push_str("</body></html>\n");
    html
}

/// A word, escaped, with a web address in it as a link. Brackets before it
/// and punctuation after it stay outside the link: "(see https://x.org/a)."
fn linked(word: &str) -> String {
    let Some(start) = word.find("https://").or_else(|| word.find("http://")) else { return escape(word) };
    let (before, rest) = word.split_at(start);
    let url = rest.trim_end_matches(['.', ',', ';', ':', '!', '?', ')', ']', '\'', '"', '>']);
    let after = rest.get(url.len()..).unwrap_or_default();
    let url = escape(url);
    format!("{}<a href=\"{url}\">{url}</a>{}", escape(before), escape(after))
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

#[cfg(test)]
mod tests {
    use super::html_of;

    #[test]
    fn text_becomes_safe_html_with_links() {
        let html = html_of("Hi <b>you</b>,\nsee https://x.org/a?b=1&c=2\n\nBye (https://x.org/b). Leave: https://x.org/u/1.ab.");
        assert!(html.contains(
            "<p>Hi &lt;b&gt;you&lt;/b&gt;,<br>\nsee <a href=\"https://x.org/a?b=1&amp;c=2\">https://x.org/a?b=1&amp;c=2</a></p>"
        ));
        assert!(html.contains("<p>Bye (<a href=\"https://x.org/b\">https://x.org/b</a>). Leave: <a href=\"https://x.org/u/1.ab\">https://x.org/u/1.ab</a>.</p>"), "{html}");
    }
}
