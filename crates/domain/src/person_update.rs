//! What a door into Tredegar says about a person (the API's signup helper
//! and PUT, petitions, RSVPs, the help form, imports), and the one set of
//! rules for merging it into what is stored, as Action Network does:
//! only the fields given change; an email or phone already held keeps its
//! subscription unless `subscribed` or `unsubscribed` is said outright.

use crate::people::{Address, EmailEntry, PersonDetails, PhoneEntry, PhoneType};
use crate::{Email, FieldErrors, Phone, SubscriptionStatus};

/// One email address as sent.
#[derive(Clone, Debug, PartialEq)]
pub struct EmailUpdate {
    pub email: Email,
    /// `None` when the sender said nothing about consent.
    pub status: Option<SubscriptionStatus>,
    pub primary: bool,
}

/// One phone number as sent.
#[derive(Clone, Debug, PartialEq)]
pub struct PhoneUpdate {
    pub phone: Phone,
    pub number_type: PhoneType,
    pub status: Option<SubscriptionStatus>,
    pub primary: bool,
}

/// Changes to a person. For each field, `None` leaves it alone; for the
/// optional ones, `Some(None)` removes it. A list given replaces nothing it
/// does not mention, except an empty list, which clears it (addresses and
/// languages are replaced whole).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PersonUpdate {
    pub given_name: Option<Option<String>>,
    pub family_name: Option<Option<String>>,
    pub emails: Option<Vec<EmailUpdate>>,
    pub phones: Option<Vec<PhoneUpdate>>,
    pub addresses: Option<Vec<Address>>,
    pub languages: Option<Vec<String>>,
    /// Custom field name and value, already checked against the field's kind;
    /// `None` removes the value.
    pub custom: Vec<(String, Option<String>)>,
    /// The status a new email gets when none is sent. The API keeps Action
    /// Network's `subscribed`; a public form says `unsubscribed` unless its
    /// own consent box was ticked.
    pub new_email_status: SubscriptionStatus,
}

impl PersonUpdate {
    /// An update whose new emails are subscribed unless said otherwise, as
    /// Action Network's signup helper does.
    pub fn osdi() -> PersonUpdate {
        PersonUpdate { new_email_status: SubscriptionStatus::Subscribed, ..PersonUpdate::default() }
    }

    /// The email a person is matched by: the first one sent.
    pub fn match_email(&self) -> Option<&Email> {
        self.emails.as_ref().and_then(|l| l.first()).map(|e| &e.email)
    }

    /// The phone a person is matched by when no email was sent.
    pub fn match_phone(&self) -> Option<&Phone> {
        self.phones.as_ref().and_then(|l| l.first()).map(|p| &p.phone)
    }
}

/// Only these two change a stored subscription: a bounce or a complaint is
/// something we record, never something a form can overwrite.
fn explicit(status: Option<SubscriptionStatus>) -> Option<SubscriptionStatus> {
    status.filter(|s| matches!(s, SubscriptionStatus::Subscribed | SubscriptionStatus::Unsubscribed))
}

impl PersonDetails {
    /// Merge `update` into what is stored, then check the result.
    pub fn merge(mut self, update: PersonUpdate) -> Result<PersonDetails, FieldErrors> {
        if let Some(v) = update.given_name {
            self.given_name = v;
        }
        if let Some(v) = update.family_name {
            self.family_name = v;
        }
        if let Some(list) = update.emails {
            if list.is_empty() {
                self.emails.clear();
            }
            for e in list {
                match self.emails.iter_mut().find(|x| x.email.key() == e.email.key()) {
                    Some(held) => {
                        if let Some(s) = explicit(e.status) {
                            held.status = s;
                        }
                        held.primary |= e.primary;
                    }
                    None => self.emails.push(EmailEntry {
                        email: e.email.clone(),
                        status: e.status.unwrap_or(update.new_email_status),
                        primary: e.primary,
                    }),
                }
                if e.primary {
                    self.emails.iter_mut().for_each(|x| x.primary = x.email.key() == e.email.key());
                }
            }
        }
        if let Some(list) = update.phones {
            if list.is_empty() {
                self.phones.clear();
            }
            for p in list {
                match self.phones.iter_mut().find(|x| x.phone.key() == p.phone.key()) {
                    Some(held) => {
                        if let Some(s) = explicit(p.status) {
                            held.status = s;
                        }
                        held.primary |= p.primary;
                    }
                    // A new number is never opted in by default.
                    None => self.phones.push(PhoneEntry {
                        phone: p.phone.clone(),
                        number_type: p.number_type,
                        status: p.status.unwrap_or(SubscriptionStatus::Unsubscribed),
                        primary: p.primary,
                    }),
                }
            }
        }
        if let Some(list) = update.addresses {
            self.addresses = list;
        }
        if let Some(list) = update.languages {
            self.languages = list;
        }
        for (name, value) in update.custom {
            self.custom.retain(|(n, _)| n != &name);
            if let Some(v) = value {
                self.custom.push((name, v));
            }
        }
        self.check()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn email(s: &str, status: Option<SubscriptionStatus>) -> EmailUpdate {
        EmailUpdate { email: Email::parse("e", s).unwrap(), status, primary: false }
    }

    fn phone(s: &str, status: Option<SubscriptionStatus>) -> PhoneUpdate {
        PhoneUpdate { phone: Phone::parse("p", s).unwrap(), number_type: PhoneType::Mobile, status, primary: false }
    }

    fn stored() -> PersonDetails {
        PersonDetails::default()
            .merge(PersonUpdate {
                given_name: Some(Some("Ann".into())),
                family_name: Some(Some("Jones".into())),
                emails: Some(vec![email("ann@example.org", Some(SubscriptionStatus::Bouncing))]),
                phones: Some(vec![phone("07700 900123", Some(SubscriptionStatus::Subscribed))]),
                languages: Some(vec!["Welsh".into()]),
                custom: vec![("tenancy".into(), Some("council".into()))],
                ..PersonUpdate::osdi()
            })
            .unwrap()
    }

    #[test]
    fn a_new_email_is_subscribed_unless_a_status_is_given() {
        let d = PersonDetails::default().merge(PersonUpdate { emails: Some(vec![email("a@example.org", None)]), ..PersonUpdate::osdi() });
        assert_eq!(d.unwrap().emails[0].status, SubscriptionStatus::Subscribed);
        let given = email("a@example.org", Some(SubscriptionStatus::Unsubscribed));
        let d = PersonDetails::default().merge(PersonUpdate { emails: Some(vec![given]), ..PersonUpdate::osdi() });
        assert_eq!(d.unwrap().emails[0].status, SubscriptionStatus::Unsubscribed);
    }

    #[test]
    fn a_public_form_subscribes_nobody_by_default() {
        let update = PersonUpdate { emails: Some(vec![email("a@example.org", None)]), ..PersonUpdate::default() };
        assert_eq!(PersonDetails::default().merge(update).unwrap().emails[0].status, SubscriptionStatus::Unsubscribed);
    }

    #[test]
    fn a_held_status_changes_only_when_subscribed_or_unsubscribed_is_passed() {
        let quiet = PersonUpdate { emails: Some(vec![email("ANN@example.org", None)]), ..PersonUpdate::osdi() };
        assert_eq!(stored().merge(quiet).unwrap().emails[0].status, SubscriptionStatus::Bouncing);
        let bouncing =
            PersonUpdate { emails: Some(vec![email("ann@example.org", Some(SubscriptionStatus::SpamComplaint))]), ..PersonUpdate::osdi() };
        assert_eq!(stored().merge(bouncing).unwrap().emails[0].status, SubscriptionStatus::Bouncing);
        let out =
            PersonUpdate { emails: Some(vec![email("ann@example.org", Some(SubscriptionStatus::Unsubscribed))]), ..PersonUpdate::osdi() };
        assert_eq!(stored().merge(out).unwrap().emails[0].status, SubscriptionStatus::Unsubscribed);
        let quiet_phone = PersonUpdate { phones: Some(vec![phone("+447700900123", None)]), ..PersonUpdate::osdi() };
        assert_eq!(stored().merge(quiet_phone).unwrap().phones[0].status, SubscriptionStatus::Subscribed);
    }

    #[test]
    fn a_new_phone_is_unsubscribed_unless_a_status_is_given() {
        let d = stored().merge(PersonUpdate { phones: Some(vec![phone("07700 900999", None)]), ..PersonUpdate::osdi() }).unwrap();
        assert_eq!(d.phones.len(), 2);
        assert_eq!(d.phones[1].status, SubscriptionStatus::Unsubscribed);
    }

    #[test]
    fn only_the_fields_given_change_and_null_removes_one() {
        let d = stored().merge(PersonUpdate { family_name: Some(None), ..PersonUpdate::osdi() }).unwrap();
        assert_eq!((d.given_name.as_deref(), d.family_name.as_deref()), (Some("Ann"), None));
        assert_eq!((d.emails.len(), d.phones.len(), d.languages.len(), d.custom.len()), (1, 1, 1, 1));
        let d = stored().merge(PersonUpdate { custom: vec![("tenancy".into(), None)], ..PersonUpdate::osdi() }).unwrap();
        assert!(d.custom.is_empty());
        let d = stored().merge(PersonUpdate { emails: Some(vec![]), ..PersonUpdate::osdi() }).unwrap();
        assert!(d.emails.is_empty() && d.phones.len() == 1);
    }

    #[test]
    fn a_new_primary_email_takes_over() {
        let mut second = email("second@example.org", None);
        second.primary = true;
        let d = stored().merge(PersonUpdate { emails: Some(vec![second]), ..PersonUpdate::osdi() }).unwrap();
        assert_eq!(d.primary_email().map(|e| e.email.as_str()), Some("second@example.org"));
    }

    #[test]
    fn matching_is_by_the_first_email_then_the_first_phone() {
        let both = PersonUpdate {
            emails: Some(vec![email("a@example.org", None)]),
            phones: Some(vec![phone("07700 900123", None)]),
            ..PersonUpdate::osdi()
        };
        assert_eq!(both.match_email().map(Email::as_str), Some("a@example.org"));
        let phone_only = PersonUpdate { phones: Some(vec![phone("07700 900123", None)]), ..PersonUpdate::osdi() };
        assert!(phone_only.match_email().is_none() && phone_only.match_phone().is_some());
    }
}
