//! Every page's path, spelled once. Each line gives the route template the
//! routers use (`PERSON`) and the function that fills it in for a link, a
//! redirect, a template or a test (`person(slug, id)`).

use std::fmt::Display;

/// The template with each `{name}` replaced by the next value, in order.
fn fill(template: &str, values: &[&dyn Display]) -> String {
    let mut values = values.iter();
    let mut parts = template.split('{');
    let mut out = parts.next().unwrap_or_default().to_string();
    for part in parts {
        if let Some(v) = values.next() {
            out.push_str(&v.to_string());
        }
        out.push_str(part.split_once('}').map_or("", |(_, rest)| rest));
    }
    out
}

/// A value made safe to put in a query string.
pub fn encode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)]).map(|e| e.trim_start_matches('=').to_string()).unwrap_or_default()
}

macro_rules! paths {
    ($($(#[$doc:meta])* $konst:ident, $func:ident = $template:literal ($($arg:ident),*);)*) => {$(
        $(#[$doc])*
        pub const $konst: &str = $template;
        $(#[$doc])*
        pub fn $func($($arg: impl Display),*) -> String {
            fill($template, &[$(&$arg),*])
        }
    )*};
}

paths! {
    /// Your groups, or the first-run page.
    HOME, home = "/" ();
    LOGIN, login = "/login" ();
    LOGOUT, logout = "/logout" ();
    SETUP, setup = "/setup" ();
    ACCOUNT, account = "/account" ();
    /// Asking for a password reset link by email, and the link itself.
    FORGOT_PASSWORD, forgot_password = "/forgot-password" ();
    RESET_PASSWORD, reset_password = "/reset-password/{token}" (token);
    /// A petition's public page, its signing form, the link that confirms a
    /// signature, and its count for other sites.
    PUBLIC_PETITION, public_petition = "/p/{id}" (id);
    PETITION_SIGN, petition_sign = "/p/{id}/sign" (id);
    PETITION_CONFIRM, petition_confirm = "/p/{id}/confirm/{token}" (id, token);
    PETITION_COUNT, petition_count = "/p/{id}/count.json" (id);
    /// A public event's page, its RSVP form, the emailed link to give up a
    /// place, its calendar file, and a group's feed of its public events.
    PUBLIC_EVENT, public_event = "/e/{id}" (id);
    /// A representative's public scorecard, and a campaign's public page.
    PUBLIC_REPRESENTATIVE, public_representative = "/reps/{id}" (id);
    PUBLIC_CAMPAIGN, public_campaign = "/c/{id}" (id);
    /// Where a representative signs a pledge, by the link sent to their official address.
    PLEDGE_SIGN, pledge_sign = "/sign/{token}" (token);
    ASK_FOR_HELP, ask_for_help = "/help/{slug}" (slug);
    /// Where the one who was helped says how it went, by emailed link or card code.
    HELP_FEEDBACK, help_feedback = "/help/{slug}/feedback" (slug);
    /// Where a volunteer says yes or no to a need, by the link in their email.
    ANSWER_NEED, answer_need = "/answer/{token}" (token);
    EVENT_RSVP, event_rsvp = "/e/{id}/rsvp" (id);
    EVENT_CANCEL, event_cancel = "/e/{id}/cancel/{token}" (id, token);
    EVENT_ICS, event_ics = "/e/{id}/event.ics" (id);
    EVENTS_FEED, events_feed = "/calendar/{slug}/events.ics" (slug);
    /// One-click unsubscribe, from a broadcast: the token is the proof.
    UNSUBSCRIBE, unsubscribe = "/unsubscribe/{token}" (token);

    DASHBOARD, dashboard = "/g/{slug}" (slug);
    MEMBERS, members = "/g/{slug}/members" (slug);
    MEMBERS_CSV, members_csv = "/g/{slug}/members.csv" (slug);
    MEMBER_ROLE, member_role = "/g/{slug}/members/{user}/role" (slug, user);
    MEMBER_REMOVE, member_remove = "/g/{slug}/members/{user}/remove" (slug, user);
    INVITATIONS, invitations = "/g/{slug}/invitations" (slug);
    INVITATION_REVOKE, invitation_revoke = "/g/{slug}/invitations/{id}/revoke" (slug, id);
    /// Your API tokens for the group (an admin's page lists every member's).
    API_TOKENS, api_tokens = "/g/{slug}/api-tokens" (slug);
    API_TOKEN_REVOKE, api_token_revoke = "/g/{slug}/api-tokens/{id}/revoke" (slug, id);
    /// An invitation's link: the token is the proof.
    INVITATION, invitation = "/invitations/{token}" (token);
    INVITATION_REGISTER, invitation_register = "/invitations/{token}/register" (token);
    /// Groups inside this one.
    CHILD_GROUPS, child_groups = "/g/{slug}/groups" (slug);
    SETTINGS, settings = "/g/{slug}/settings" (slug);
    SHARING, sharing = "/g/{slug}/settings/sharing" (slug);
    FIELDS, fields = "/g/{slug}/fields" (slug);
    FIELD_DELETE, field_delete = "/g/{slug}/fields/{id}/delete" (slug, id);
    /// Everything the group holds, as one zip archive.
    EXPORT, export = "/g/{slug}/export.zip" (slug);
    AUDIT, audit = "/g/{slug}/audit" (slug);
    AUDIT_CSV, audit_csv = "/g/{slug}/audit.csv" (slug);

    PEOPLE, people = "/g/{slug}/people" (slug);
    PEOPLE_CSV, people_csv = "/g/{slug}/people.csv" (slug);
    NEW_PERSON, new_person = "/g/{slug}/people/new" (slug);
    PERSON, person = "/g/{slug}/people/{id}" (slug, id);
    PERSON_EDIT, person_edit = "/g/{slug}/people/{id}/edit" (slug, id);
    PERSON_DELETE, person_delete = "/g/{slug}/people/{id}/delete" (slug, id);
    PERSON_MERGE, person_merge = "/g/{slug}/people/{id}/merge" (slug, id);
    PERSON_MERGE_WITH, person_merge_with = "/g/{slug}/people/{id}/merge/{other}" (slug, id, other);
    PERSON_TAGS, person_tags = "/g/{slug}/people/{id}/tags" (slug, id);
    PERSON_TAG_REMOVE, person_tag_remove = "/g/{slug}/people/{id}/tags/{tag}/remove" (slug, id, tag);
    PERSON_ASSIGN, person_assign = "/g/{slug}/people/{id}/assign" (slug, id);
    PERSON_UNASSIGN, person_unassign = "/g/{slug}/people/{id}/unassign/{user}" (slug, id, user);
    PERSON_CALLS, person_calls = "/g/{slug}/people/{id}/calls" (slug, id);
    PERSON_CONVERSATIONS, person_conversations = "/g/{slug}/people/{id}/conversations" (slug, id);
    NEW_CONVERSATION, new_conversation = "/g/{slug}/people/{id}/conversations/new" (slug, id);
    PERSON_ASSESSMENTS, person_assessments = "/g/{slug}/people/{id}/assessments" (slug, id);
    PERSON_RELATIONSHIPS, person_relationships = "/g/{slug}/people/{id}/relationships" (slug, id);
    /// "Who do we know who knows this person?"
    WHO_KNOWS, who_knows = "/g/{slug}/people/{id}/who-knows" (slug, id);
    RELATIONSHIP_REMOVE, relationship_remove = "/g/{slug}/relationships/{id}/remove" (slug, id);
    RELATIONSHIP_KINDS, relationship_kinds = "/g/{slug}/relationship-kinds" (slug);

    CONVERSATION, conversation = "/g/{slug}/conversations/{id}" (slug, id);
    CONVERSATION_EDIT, conversation_edit = "/g/{slug}/conversations/{id}/edit" (slug, id);
    CONVERSATION_DELETE, conversation_delete = "/g/{slug}/conversations/{id}/delete" (slug, id);
    /// The issue list: themes people raise.
    THEMES, themes = "/g/{slug}/themes" (slug);
    THEME, theme = "/g/{slug}/themes/{id}" (slug, id);
    THEME_DELETE, theme_delete = "/g/{slug}/themes/{id}/delete" (slug, id);
    /// The signed-in member's follow-ups.
    FOLLOW_UPS, follow_ups = "/g/{slug}/follow-ups" (slug);
    FOLLOW_UP_DONE, follow_up_done = "/g/{slug}/follow-ups/{id}/done" (slug, id);
    /// The ladder of engagement: its funnel, leaders, and rungs.
    LADDER, ladder = "/g/{slug}/ladder" (slug);
    LADDER_RUNGS, ladder_rungs = "/g/{slug}/ladder/rungs" (slug);
    LADDER_RUNG_DELETE, ladder_rung_delete = "/g/{slug}/ladder/rungs/{id}/delete" (slug, id);
    PERSON_RUNG, person_rung = "/g/{slug}/people/{id}/rung" (slug, id);
    /// Segments and static lists.
    LISTS, lists = "/g/{slug}/lists" (slug);
    NEW_SEGMENT, new_segment = "/g/{slug}/lists/segment" (slug);
    LIST, list = "/g/{slug}/lists/{id}" (slug, id);
    LIST_EDIT, list_edit = "/g/{slug}/lists/{id}/edit" (slug, id);
    LIST_DELETE, list_delete = "/g/{slug}/lists/{id}/delete" (slug, id);
    LIST_PERSON_REMOVE, list_person_remove = "/g/{slug}/lists/{id}/people/{person}/remove" (slug, id, person);
    /// Put a person, or everyone a search finds, on a static list.
    PUT_ON_LIST, put_on_list = "/g/{slug}/put-on-list" (slug);
    /// Call lists: the organiser's view, and the caller's screen.
    CALL_LISTS, call_lists = "/g/{slug}/calls" (slug);
    CALL_LIST, call_list = "/g/{slug}/calls/{id}" (slug, id);
    CALL_LIST_STATUS, call_list_status = "/g/{slug}/calls/{id}/status" (slug, id);
    CALL_NEXT, call_next = "/g/{slug}/calls/{id}/next" (slug, id);
    CALL_RECORD, call_record = "/g/{slug}/calls/{id}/people/{person}" (slug, id, person);
    /// What people raise, by theme and area, over a period.
    LISTENING, listening = "/g/{slug}/listening" (slug);
    LISTENING_CSV, listening_csv = "/g/{slug}/listening.csv" (slug);
    LISTENING_THEME, listening_theme = "/g/{slug}/listening/{theme}" (slug, theme);
    /// The group's names for assessment levels 1 to 5.
    ASSESSMENT_LEVELS, assessment_levels = "/g/{slug}/settings/levels" (slug);

    /// Email: the outbox, templates and jobs, for admins.
    EMAIL_SETTINGS, email_settings = "/g/{slug}/settings/email" (slug);
    EMAIL_TEMPLATE, email_template = "/g/{slug}/settings/email/templates/{kind}" (slug, kind);
    JOB_RETRY, job_retry = "/g/{slug}/settings/email/jobs/{id}/retry" (slug, id);
    /// Organisers' emails to a list or segment.
    BROADCASTS, broadcasts = "/g/{slug}/broadcasts" (slug);
    BROADCAST, broadcast = "/g/{slug}/broadcasts/{id}" (slug, id);
    BROADCAST_EDIT, broadcast_edit = "/g/{slug}/broadcasts/{id}/edit" (slug, id);
    BROADCAST_TEST, broadcast_test = "/g/{slug}/broadcasts/{id}/test" (slug, id);
    BROADCAST_SEND, broadcast_send = "/g/{slug}/broadcasts/{id}/send" (slug, id);
    BROADCAST_DELETE, broadcast_delete = "/g/{slug}/broadcasts/{id}/delete" (slug, id);

    /// The group's petitions, for organisers.
    PETITIONS, petitions = "/g/{slug}/petitions" (slug);
    PETITION, petition = "/g/{slug}/petitions/{id}" (slug, id);
    PETITION_CSV, petition_csv = "/g/{slug}/petitions/{id}/signatures.csv" (slug, id);
    /// Close a petition now: it takes no more signatures.
    PETITION_CLOSE, petition_close = "/g/{slug}/petitions/{id}/close" (slug, id);

    /// The group's events: organisers see all; a volunteer, those they help at.
    EVENTS, events = "/g/{slug}/events" (slug);
    EVENT, event = "/g/{slug}/events/{id}" (slug, id);
    EVENT_EDIT, event_edit = "/g/{slug}/events/{id}/edit" (slug, id);
    EVENT_HELPERS, event_helpers = "/g/{slug}/events/{id}/helpers" (slug, id);
    /// Call the event off: no more RSVPs or reminders, and everyone is told.
    EVENT_CALL_OFF, event_call_off = "/g/{slug}/events/{id}/call-off" (slug, id);
    EVENT_ATTENDEES_CSV, event_attendees_csv = "/g/{slug}/events/{id}/attendees.csv" (slug, id);
    /// An organiser marks someone as unable to come (frees their place).
    EVENT_CANCEL_FOR, event_cancel_for = "/g/{slug}/events/{id}/attendees/{aid}/cancel" (slug, id, aid);
    /// The door: search the list, check people in, add walk-ins.
    EVENT_DOOR, event_door = "/g/{slug}/events/{id}/door" (slug, id);
    EVENT_CHECK_IN, event_check_in = "/g/{slug}/events/{id}/door/{aid}" (slug, id, aid);
    EVENT_WALK_IN, event_walk_in = "/g/{slug}/events/{id}/door/walk-in" (slug, id);

    /// Areas, buildings and units; who lives where; who owns what.
    PLACES, places = "/g/{slug}/places" (slug);
    AREA, area = "/g/{slug}/places/areas/{id}" (slug, id);
    BUILDINGS, buildings = "/g/{slug}/places/buildings" (slug);
    BUILDING, building = "/g/{slug}/places/buildings/{id}" (slug, id);
    BUILDING_UNITS, building_units = "/g/{slug}/places/buildings/{id}/units" (slug, id);
    BUILDING_OWNERS, building_owners = "/g/{slug}/places/buildings/{id}/owners" (slug, id);
    OWNERSHIP_REMOVE, ownership_remove = "/g/{slug}/places/ownerships/{id}/remove" (slug, id);
    UNIT, unit = "/g/{slug}/places/units/{id}" (slug, id);
    UNIT_RESIDENTS, unit_residents = "/g/{slug}/places/units/{id}/residents" (slug, id);
    /// Take away a flat or house nobody has lived in (added by mistake).
    UNIT_REMOVE, unit_remove = "/g/{slug}/places/units/{id}/remove" (slug, id);
    RESIDENCY_MOVE_OUT, residency_move_out = "/g/{slug}/places/residencies/{id}/move-out" (slug, id);
    /// A residency recorded by mistake (moving out keeps the history instead).
    RESIDENCY_REMOVE, residency_remove = "/g/{slug}/places/residencies/{id}/remove" (slug, id);
    /// Walk lists: turf cut into doors, and the walker's door-by-door screen.
    WALK_LISTS, walk_lists = "/g/{slug}/walks" (slug);
    WALK_CUT, walk_cut = "/g/{slug}/walks/cut" (slug);
    WALK_LIST, walk_list = "/g/{slug}/walks/{id}" (slug, id);
    WALK_LIST_PRINT, walk_list_print = "/g/{slug}/walks/{id}/print" (slug, id);
    WALK_LIST_STATUS, walk_list_status = "/g/{slug}/walks/{id}/status" (slug, id);
    WALK_LIST_WALKERS, walk_list_walkers = "/g/{slug}/walks/{id}/walkers" (slug, id);
    WALK_DOOR, walk_door = "/g/{slug}/walks/{id}/doors/{unit}" (slug, id, unit);
    /// The door-knocking app, which works offline: its page, its data, and where it sends records.
    WALK_APP, walk_app = "/g/{slug}/walks/{id}/app" (slug, id);
    WALK_DATA, walk_data = "/g/{slug}/walks/{id}/app/data" (slug, id);
    WALK_SYNC, walk_sync = "/g/{slug}/walks/{id}/app/records" (slug, id);
    /// The app's service worker and script.
    WALK_WORKER, walk_worker = "/walk-sw.js" ();
    WALK_SCRIPT, walk_script = "/static/walk.js" ();
    LANDLORDS, landlords = "/g/{slug}/landlords" (slug);
    LANDLORD, landlord = "/g/{slug}/landlords/{id}" (slug, id);

    TAGS, tags = "/g/{slug}/tags" (slug);
    TAGS_CSV, tags_csv = "/g/{slug}/tags.csv" (slug);

    CAMPAIGNS, campaigns = "/g/{slug}/campaigns" (slug);
    CAMPAIGNS_CSV, campaigns_csv = "/g/{slug}/campaigns.csv" (slug);
    NEW_CAMPAIGN, new_campaign = "/g/{slug}/campaigns/new" (slug);
    CAMPAIGN, campaign = "/g/{slug}/campaigns/{id}" (slug, id);
    CAMPAIGN_EDIT, campaign_edit = "/g/{slug}/campaigns/{id}/edit" (slug, id);
    NEEDS, needs = "/g/{slug}/needs" (slug);
    NEW_NEED, new_need = "/g/{slug}/needs/new" (slug);
    AID_REPORT, aid_report = "/g/{slug}/needs/report" (slug);
    NEED, need = "/g/{slug}/needs/{id}" (slug, id);
    NEED_STATUS, need_status = "/g/{slug}/needs/{id}/status" (slug, id);
    NEED_EDIT, need_edit = "/g/{slug}/needs/{id}/edit" (slug, id);
    NEED_THEMES, need_themes = "/g/{slug}/needs/{id}/themes" (slug, id);
    NEED_REPEATS, need_repeats = "/g/{slug}/needs/{id}/repeats" (slug, id);
    NEED_INVOLVE_CONFIRMED, need_involve_confirmed = "/g/{slug}/needs/{id}/involve-confirmed" (slug, id);
    /// A feedback card to print or read out (the code is in the query), and
    /// a coordinator making a new one for a need.
    FEEDBACK_CARD, feedback_card = "/g/{slug}/needs/card" (slug);
    NEED_CARD, need_card = "/g/{slug}/needs/{id}/card" (slug, id);
    AID_CATEGORIES, aid_categories = "/g/{slug}/needs/categories" (slug);
    AID_TIMING, aid_timing = "/g/{slug}/needs/timing" (slug);
    AID_CATEGORY, aid_category = "/g/{slug}/needs/categories/{id}" (slug, id);
    AID_VOLUNTEERS, aid_volunteers = "/g/{slug}/needs/volunteers" (slug);
    AID_VOLUNTEER_CHECKED, aid_volunteer_checked = "/g/{slug}/needs/volunteers/{user}/checked" (slug, user);
    HELPING, helping = "/g/{slug}/helping" (slug);
    IMPORTS, imports = "/g/{slug}/imports" (slug);
    IMPORT, import = "/g/{slug}/imports/{id}" (slug, id);
    IMPORT_ERRORS, import_errors = "/g/{slug}/imports/{id}/errors.csv" (slug, id);
    IMPORT_DELETE, import_delete = "/g/{slug}/imports/{id}/delete" (slug, id);
    CAMPAIGN_GOALS, campaign_goals = "/g/{slug}/campaigns/{id}/goals" (slug, id);
    CAMPAIGN_GOAL_REMOVE, campaign_goal_remove = "/g/{slug}/campaigns/{id}/goals/{goal}/remove" (slug, id, goal);
    CAMPAIGN_DEMANDS, campaign_demands = "/g/{slug}/campaigns/{id}/demands" (slug, id);
    CAMPAIGN_DEMAND, campaign_demand = "/g/{slug}/campaigns/{id}/demands/{demand}" (slug, id, demand);
    CAMPAIGN_DEMAND_DELETE, campaign_demand_delete = "/g/{slug}/campaigns/{id}/demands/{demand}/delete" (slug, id, demand);
    /// A campaign's power map (`?on=YYYY-MM-DD` replays it), its actors and links; its plan; its dashboard.
    CAMPAIGN_POWER, campaign_power = "/g/{slug}/campaigns/{id}/power" (slug, id);
    CAMPAIGN_ACTOR, campaign_actor = "/g/{slug}/campaigns/{id}/power/actors/{actor}" (slug, id, actor);
    CAMPAIGN_ACTOR_REMOVE, campaign_actor_remove = "/g/{slug}/campaigns/{id}/power/actors/{actor}/remove" (slug, id, actor);
    CAMPAIGN_ACTOR_LINKS, campaign_actor_links = "/g/{slug}/campaigns/{id}/power/links" (slug, id);
    CAMPAIGN_PLAN, campaign_plan = "/g/{slug}/campaigns/{id}/plan" (slug, id);
    CAMPAIGN_STEP_DONE, campaign_step_done = "/g/{slug}/campaigns/{id}/plan/{step}/done" (slug, id, step);
    CAMPAIGN_STEP_DELETE, campaign_step_delete = "/g/{slug}/campaigns/{id}/plan/{step}/delete" (slug, id, step);
    CAMPAIGN_DASHBOARD, campaign_dashboard = "/g/{slug}/campaigns/{id}/dashboard" (slug, id);
    /// What a campaign asked of representatives (invitations, letters), and their replies.
    CAMPAIGN_ASKS, campaign_asks = "/g/{slug}/campaigns/{id}/asks" (slug, id);
    CAMPAIGN_ASK_REPLY, campaign_ask_reply = "/g/{slug}/campaigns/{id}/asks/{ask}/reply" (slug, id, ask);
    /// A campaign's timeline and wins, and a document kept as evidence.
    CAMPAIGN_TIMELINE, campaign_timeline = "/g/{slug}/campaigns/{id}/timeline" (slug, id);
    DOCUMENT, document = "/g/{slug}/documents/{id}" (slug, id);
    /// Representatives: the list, one with their scorecard, their pledges and record.
    REPRESENTATIVES, representatives = "/g/{slug}/representatives" (slug);
    REPRESENTATIVE, representative = "/g/{slug}/representatives/{id}" (slug, id);
    REPRESENTATIVE_EDIT, representative_edit = "/g/{slug}/representatives/{id}/edit" (slug, id);
    REPRESENTATIVE_DELETE, representative_delete = "/g/{slug}/representatives/{id}/delete" (slug, id);
    REPRESENTATIVE_PERSON, representative_person = "/g/{slug}/representatives/{id}/person" (slug, id);
    REPRESENTATIVE_PLEDGES, representative_pledges = "/g/{slug}/representatives/{id}/pledges" (slug, id);
    REPRESENTATIVE_RECORDS, representative_records = "/g/{slug}/representatives/{id}/records" (slug, id);
    REPRESENTATIVE_RECORD_REMOVE, representative_record_remove = "/g/{slug}/representatives/{id}/records/{record}/remove" (slug, id, record);
    PLEDGE, pledge = "/g/{slug}/pledges/{id}" (slug, id);
    PLEDGE_DELETE, pledge_delete = "/g/{slug}/pledges/{id}/delete" (slug, id);
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_template_is_filled_in_order() {
        assert_eq!(super::person_merge_with("brookfield", 1, 2), "/g/brookfield/people/1/merge/2");
        assert_eq!(super::home(), "/");
        assert_eq!(super::PERSON, "/g/{slug}/people/{id}");
    }
}
