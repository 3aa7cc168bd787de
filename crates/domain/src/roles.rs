//! A membership gives a user one role in one group.

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Sees only the people assigned to them.
    Volunteer,
    /// Works with all of the group's people and campaigns.
    Organiser,
    /// Everything an organiser can do, plus members, sharing and the audit log.
    Admin,
}

impl Role {
    pub fn parse(s: &str) -> Result<Role, crate::Problem> {
        match s.trim().to_ascii_lowercase().as_str() {
            "admin" => Ok(Role::Admin),
            "organiser" | "organizer" => Ok(Role::Organiser),
            "volunteer" => Ok(Role::Volunteer),
            _ => Err(crate::Problem::new("role", "must be admin, organiser or volunteer")),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "Admin",
            Role::Organiser => "Organiser",
            Role::Volunteer => "Volunteer",
        }
    }

    /// Organisers and admins work with all of a group's people.
    pub fn sees_everyone(self) -> bool {
        self >= Role::Organiser
    }
}

crate::stored_as_text!(Role { Volunteer = "volunteer", Organiser = "organiser", Admin = "admin" });

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_orders_roles() {
        assert_eq!(Role::parse(" Organizer "), Ok(Role::Organiser));
        assert!(Role::parse("boss").is_err());
        assert!(Role::Admin.sees_everyone());
        assert!(!Role::Volunteer.sees_everyone());
    }
}
