//! What the audit log records.

/// The kinds of action the audit log records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuditAction {
    /// Someone opened a person's page or read them through the API.
    View,
    /// A download of the group's data.
    Export,
    Delete,
    Merge,
    /// A member's role was set or changed.
    Role,
    /// A member added or removed.
    Member,
    /// Sharing with the parent group turned on or off.
    Sharing,
    /// A group made, inside this one or from the command line.
    Group,
    /// An API token issued.
    Token,
    /// The first-run setup.
    Setup,
    /// Demo data loaded.
    Demo,
    /// An email sent to a list, or a group's email wording changed.
    Email,
    /// People imported from a file.
    Import,
    /// Data destroyed because the law or its source said so (an electoral register's destroy-by date).
    Destroy,
    /// A public office holder linked to (or unlinked from) a person among the group's people.
    Link,
}

crate::stored_as_text!(AuditAction {
    View = "view",
    Export = "export",
    Delete = "delete",
    Merge = "merge",
    Role = "role",
    Member = "member",
    Sharing = "sharing",
    Group = "group",
    Token = "token",
    Setup = "setup",
    Demo = "demo",
    Email = "email",
    Import = "import",
    Destroy = "destroy",
    Link = "link",
});
