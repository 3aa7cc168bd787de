//! One UUIDv7 newtype per entity, so a `PersonId` can never be passed where a
//! `TagId` belongs. v7 ids sort by creation time, which keeps indexes compact.

use std::fmt;
use std::str::FromStr;

macro_rules! id_type {
    ($($name:ident),* $(,)?) => {$(
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize, sqlx::Type)]
        #[sqlx(transparent)]
        #[serde(transparent)]
        pub struct $name(pub uuid::Uuid);

        impl $name {
            pub fn new() -> Self {
                Self(uuid::Uuid::now_v7())
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                uuid::Uuid::parse_str(s).map(Self)
            }
        }
    )*};
}

id_type!(
    GroupId,
    UserId,
    PersonId,
    TagId,
    TaggingId,
    CampaignId,
    CustomFieldId,
    TokenId,
    AuditId,
    PersonEventId,
    InvitationId,
    ConversationId,
    ThemeId,
    FollowUpId,
    AssessmentChangeId,
    ListId,
    CallListId,
    RelationshipId,
    RungId,
    JobId,
    MessageId,
    BroadcastId,
    PetitionId,
    SignatureId,
    EventId,
    AttendanceId,
    AreaId,
    BuildingId,
    UnitId,
    ResidencyId,
    OrganisationId,
    OwnershipId,
    ImportId,
    RegisterId,
    WalkListId,
    QuestionId,
    KnockId,
    GoalId,
    UploadId,
    NeedId,
    AidCategoryId,
    NeedChangeId,
    DemandId,
    RepresentativeId,
    OfficeId,
    RepresentativeImportId,
    PledgeId,
    RecordId,
    AskId,
    ActorId,
    StepId,
    DocumentId,
);

/// An optional choice of id in a form (a select's value): empty is none;
/// anything that is not an id is `message` about `field`.
pub fn chosen_id<T: FromStr>(field: &str, s: &str, message: &str) -> Result<Option<T>, crate::Problem> {
    match s.trim() {
        "" => Ok(None),
        id => id.parse().map(Some).map_err(|_| crate::Problem::new(field, message)),
    }
}
