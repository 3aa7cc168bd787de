//! What the export holds: every table of group data with what it means,
//! and the tables left out with the reason.

use super::Table;

const fn table(name: &'static str, about: &'static str, sql: &'static str) -> Table {
    Table { name, about, sql, hidden: &[] }
}

pub const TABLES: &[Table] = &[
    table(
        "groups",
        "This group: its name, its address in Tredegar, its parent group, whether it shares its people with the parent.",
        "SELECT * FROM groups WHERE id = $1",
    ),
    table(
        "memberships",
        "The group's members: each account's role (admin, organiser or volunteer), name and email.",
        "SELECT m.*, u.name AS user_name, u.email AS user_email FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.group_id = $1",
    ),
    Table {
        name: "invitations",
        about: "Invitations to join: the email invited, the role, who invited them, and when it was accepted. The secret link is not included.",
        sql: "SELECT * FROM invitations WHERE group_id = $1",
        hidden: &["token_hash"],
    },
    table(
        "people",
        "The people the group organises with: names, languages, when they were added and last changed.",
        "SELECT * FROM people WHERE group_id = $1",
    ),
    table(
        "person_emails",
        "Each person's email addresses, with whether they agreed to hear from the group.",
        "SELECT * FROM person_emails WHERE group_id = $1",
    ),
    table(
        "person_phones",
        "Each person's phone numbers, with their kind and subscription.",
        "SELECT * FROM person_phones WHERE group_id = $1",
    ),
    table("person_addresses", "Each person's postal addresses.", "SELECT * FROM person_addresses WHERE group_id = $1"),
    table(
        "custom_fields",
        "The extra things the group records about people (custom fields) and their kinds.",
        "SELECT * FROM custom_fields WHERE group_id = $1",
    ),
    table(
        "person_custom_values",
        "Each person's value for each custom field (field_id is in custom_fields).",
        "SELECT * FROM person_custom_values WHERE group_id = $1",
    ),
    table("tags", "The group's tags.", "SELECT * FROM tags WHERE group_id = $1"),
    table("taggings", "Which person has which tag.", "SELECT * FROM taggings WHERE group_id = $1"),
    table(
        "assignments",
        "Which volunteer (user_id, in memberships) may see which person.",
        "SELECT * FROM assignments WHERE group_id = $1",
    ),
    table(
        "person_events",
        "Each person's history: what happened, who recorded it, when.",
        "SELECT * FROM person_events WHERE group_id = $1",
    ),
    table("campaigns", "The group's campaigns and where each stands.", "SELECT * FROM campaigns WHERE group_id = $1"),
    table(
        "campaign_goals",
        "Structure tests a campaign aims to pass: a place (area_id or building_id), the share of its units to hold a supporter \
         (target_percent), and the date to reach it by.",
        "SELECT * FROM campaign_goals WHERE group_id = $1",
    ),
    table("themes", "The group's issue list: the themes people raise in conversations.", "SELECT * FROM themes WHERE group_id = $1"),
    table(
        "conversations",
        "Every conversation logged: with whom (person_id), who held it, how, when and where, what the person cares about, \
         the ask and the answer, commitments and notes. Notes may hold special-category data.",
        "SELECT * FROM conversations WHERE group_id = $1",
    ),
    table(
        "conversation_themes",
        "Which themes (theme_id, in themes) each conversation raised, with its time and postcode district.",
        "SELECT * FROM conversation_themes WHERE group_id = $1",
    ),
    table(
        "follow_ups",
        "What someone is to do next about a person, who (assignee, a user_id), by when, and when it was done.",
        "SELECT * FROM follow_ups WHERE group_id = $1",
    ),
    table(
        "lists",
        "Segments (saved searches: definition is their rules, as JSON) and static lists (people put on them by hand).",
        "SELECT * FROM lists WHERE group_id = $1",
    ),
    table("list_members", "Who is on each static list (list_id, in lists).", "SELECT * FROM list_members WHERE group_id = $1"),
    table("call_lists", "Call lists: their names, scripts, and whether they are open.", "SELECT * FROM call_lists WHERE group_id = $1"),
    table(
        "call_list_people",
        "Who is on each call list, their caller (a user_id), and how the call went.",
        "SELECT * FROM call_list_people WHERE group_id = $1",
    ),
    table("do_not_call", "People who asked not to be called, who recorded it and when.", "SELECT * FROM do_not_call WHERE group_id = $1"),
    table(
        "relationships",
        "Links between people: person_id is <kind> of other_id (recruited_by and influences read that way), strength 1 to 5.",
        "SELECT * FROM relationships WHERE group_id = $1",
    ),
    table("relationship_kinds", "The group's own kinds of relationship.", "SELECT * FROM relationship_kinds WHERE group_id = $1"),
    table(
        "ladder_rungs",
        "The group's ladder of engagement: its rungs in order, and the rule (JSON) that earns each.",
        "SELECT * FROM ladder_rungs WHERE group_id = $1",
    ),
    table(
        "ladder_placements",
        "Each person's rung now, whether set by hand, and why.",
        "SELECT * FROM ladder_placements WHERE group_id = $1",
    ),
    table(
        "ladder_moves",
        "Every move up or down the ladder: from and to which rung, why, by whom, when.",
        "SELECT * FROM ladder_moves WHERE group_id = $1",
    ),
    table(
        "assessment_levels",
        "The group's own names for the assessment levels 1 to 5.",
        "SELECT * FROM assessment_levels WHERE group_id = $1",
    ),
    table("assessments", "Each person's current level (1 to 5) on each campaign.", "SELECT * FROM assessments WHERE group_id = $1"),
    table(
        "petitions",
        "Petitions: title, text, who they are to, goal, closing date, the consent wording shown, and the sites allowed to frame them.",
        "SELECT * FROM petitions WHERE group_id = $1",
    ),
    Table {
        name: "signatures",
        about: "Every signature: name, email, postcode, comment, the consent given and the words shown beside it, when signed and \
                confirmed, and the person it became (person_id). The secret confirmation link is not included.",
        sql: "SELECT * FROM signatures WHERE group_id = $1",
        hidden: &["token_hash"],
    },
    table(
        "events",
        "Events and actions: kind, title, description, start and end (UTC), where, places (empty is no limit), whether public, \
         hours before it the reminder goes, and the campaign.",
        "SELECT * FROM events WHERE group_id = $1",
    ),
    table(
        "event_helpers",
        "Members helping at each event's door (user_id is in memberships.csv).",
        "SELECT * FROM event_helpers WHERE group_id = $1",
    ),
    table(
        "attendances",
        "Who said they would come to each event (going, waiting for a place, or can't come), what they told us, \
         whether they came (attended_at) and who checked them in, and walk-ins.",
        "SELECT * FROM attendances WHERE group_id = $1",
    ),
    table(
        "areas",
        "Areas (wards, estates, neighbourhoods): name, kind, the GeoJSON boundary if one was given, and the structure test's target.",
        "SELECT * FROM areas WHERE group_id = $1",
    ),
    table(
        "buildings",
        "Blocks of flats and stretches of street: name, kind, area, postcode and the structure test's target.",
        "SELECT * FROM buildings WHERE group_id = $1",
    ),
    table(
        "units",
        "Flats and houses: the building, the label (\"Flat 12\"), the floor (0 is the ground floor, empty for a house), the address.",
        "SELECT * FROM units WHERE group_id = $1",
    ),
    table(
        "residencies",
        "Who lives or lived in each unit (person_id, unit_id), from when (moved_in) and until when (moved_out).",
        "SELECT * FROM residencies WHERE group_id = $1",
    ),
    table(
        "organisations",
        "Landlords, housing associations, the council and other organisations: name, kind, website and notes.",
        "SELECT * FROM organisations WHERE group_id = $1",
    ),
    table(
        "ownerships",
        "Which organisation owned each building, from when (from_on) until when (to_on).",
        "SELECT * FROM ownerships WHERE group_id = $1",
    ),
    table(
        "broadcasts",
        "Emails written to a list or segment: subject, text, who wrote and sent them, when, and to how many.",
        "SELECT * FROM broadcasts WHERE group_id = $1",
    ),
    table(
        "outbox",
        "Every email the group sent or is sending: to whom (person_id or user_id), kind, subject, text (a broadcast's is on the broadcast), \
         whether it is waiting, sent or failed, and the last error. The text of an email holding a single-use link \
         (confirming a signature, giving up a place at an event) is left out. An event's email carries its calendar file (calendar).",
        "SELECT id, group_id, person_id, user_id, broadcast_id, kind, to_address, subject, \
         CASE WHEN kind IN ('password_reset', 'petition_confirm', 'event_confirm', 'event_waiting_list', 'event_reminder', 'pledge_sign', 'need_offered', 'need_feedback') THEN '(left out: it holds a single-use link)' ELSE text_body END AS text_body, \
         unsubscribe, calendar, status, last_error, created_at, sent_at FROM outbox WHERE group_id = $1",
    ),
    table(
        "email_templates",
        "The group's own wording of the emails it sends (placeholders in braces).",
        "SELECT * FROM email_templates WHERE group_id = $1",
    ),
    table(
        "assessment_changes",
        "Every change of an assessment: from what level to what, why, who made it, and when.",
        "SELECT * FROM assessment_changes WHERE group_id = $1",
    ),
    table(
        "imports",
        "Files of people imported: name, format, how far through each got, and how many rows were created, updated, unchanged or rejected.",
        "SELECT * FROM imports WHERE group_id = $1",
    ),
    table(
        "import_uploads",
        "Files admins uploaded to import through the web (the files themselves are deleted once imported, or after a week): \
         who uploaded each, the choices made for it (format, what each column holds, bad rows), and how its dry run or import went.",
        "SELECT * FROM import_uploads WHERE group_id = $1",
    ),
    table(
        "registers",
        "Editions of the electoral register imported: who supplied each, which edition, the purpose the law allows it for, and the date \
         it must be destroyed by. What only the register says about each elector is never exported (see the README's end).",
        "SELECT * FROM registers WHERE group_id = $1",
    ),
    table(
        "walk_lists",
        "Walk lists: turf cut into lists of doors (part of parts), who cut them, and whether they are open.",
        "SELECT * FROM walk_lists WHERE group_id = $1",
    ),
    table(
        "walk_list_doors",
        "The doors (unit_id, in units) on each walk list, in walking order (position).",
        "SELECT * FROM walk_list_doors WHERE group_id = $1",
    ),
    table("walk_list_walkers", "Who walks each walk list (user_id).", "SELECT * FROM walk_list_walkers WHERE group_id = $1"),
    table(
        "walk_questions",
        "Each walk list's survey questions: kind (yes_no, scale, choice or text), prompt, and the choices, a line each.",
        "SELECT * FROM walk_questions WHERE group_id = $1",
    ),
    table(
        "door_knocks",
        "What happened at each door: outcome, whom they spoke to (person_id), the conversation it led to, who knocked and when.",
        "SELECT * FROM door_knocks WHERE group_id = $1",
    ),
    table(
        "door_answers",
        "The answers given at each door (knock_id) to each question (question_id).",
        "SELECT * FROM door_answers WHERE group_id = $1",
    ),
    table(
        "aid_categories",
        "The kinds of help the group gives (needs_check: only for safeguarding-checked volunteers).",
        "SELECT * FROM aid_categories WHERE group_id = $1",
    ),
    table(
        "needs",
        "Needs for help: who needs it (person_id), what and how soon, when, the contact details given, roughly where (district), \
         where it stands (status) and the volunteer it is offered to or taken by.",
        "SELECT * FROM needs WHERE group_id = $1",
    ),
    table(
        "need_changes",
        "Every change of a need's status: from what, to what, the volunteer it concerned, who made it, when, and the note.",
        "SELECT * FROM need_changes WHERE group_id = $1",
    ),
    table(
        "aid_offers",
        "What each volunteer (user_id) offers: from where and how far, the days (bits, Monday first) and hours they are free, \
         transport, whether a coordinator has seen their safeguarding check, a pause, and a weekly limit.",
        "SELECT * FROM aid_offers WHERE group_id = $1",
    ),
    table("aid_offer_categories", "The kinds of help each volunteer offers.", "SELECT * FROM aid_offer_categories WHERE group_id = $1"),
    table(
        "aid_settings",
        "How long the group's needs may wait, in hours: for a volunteer's answer, and for anyone, by how soon it is needed.",
        "SELECT * FROM aid_settings WHERE group_id = $1",
    ),
    table(
        "need_themes",
        "The shared problems (theme_id) a need points to, counted in the listening report in its district (area) on the day it was asked.",
        "SELECT * FROM need_themes WHERE group_id = $1",
    ),
    table("campaign_themes", "The listening themes (theme_id) each campaign answers.", "SELECT * FROM campaign_themes WHERE group_id = $1"),
    table(
        "demands",
        "Each campaign's demands and where each stands (open, won, partly_won, lost).",
        "SELECT * FROM demands WHERE group_id = $1",
    ),
    table(
        "demand_changes",
        "Every status a demand was given, why, the evidence, who set it and when.",
        "SELECT * FROM demand_changes WHERE group_id = $1",
    ),
    table(
        "representatives",
        "Councillors, MPs and other office holders the group campaigns on: their public contact routes, the person in the group \
         they are (person_id), where they came from (source, source_key, licence) and whether their scorecard is public.",
        "SELECT * FROM representatives WHERE group_id = $1",
    ),
    table(
        "representative_offices",
        "Their offices and the ballots they stood in: ward or constituency (post), body, party, ballot and election ids, and whether elected.",
        "SELECT * FROM representative_offices WHERE group_id = $1",
    ),
    table(
        "representative_imports",
        "Each file of representatives loaded: its format, name, hash, source and licence, and how many were added and updated.",
        "SELECT * FROM representative_imports WHERE group_id = $1",
    ),
    table(
        "pledges",
        "What representatives pledged, when (made_on), where (source_url), on which campaign or demand, and its status.",
        "SELECT * FROM pledges WHERE group_id = $1",
    ),
    table(
        "pledge_changes",
        "Every status a pledge was given, why, the evidence, who set it and when.",
        "SELECT * FROM pledge_changes WHERE group_id = $1",
    ),
    table(
        "records",
        "Representatives' records: votes (how they voted, and how the campaign wanted it), statements, turn-ups (event_id when \
         taken from a check-in) and replies, each dated with its evidence.",
        "SELECT * FROM records WHERE group_id = $1",
    ),
    table("record_pledges", "The pledges each record entry bears on.", "SELECT * FROM record_pledges WHERE group_id = $1"),
    table(
        "asks",
        "What a campaign asked of a representative: an invitation to an event, or a letter; when it was sent, and their reply.",
        "SELECT * FROM asks WHERE group_id = $1",
    ),
    table(
        "actors",
        "Each campaign's power map: who (a person_id, organisation_id or representative_id, or a name), their role, influence \
         (0 to 10), stance (-5 to +5), why, whether a target, and when taken off the map.",
        "SELECT * FROM actors WHERE group_id = $1",
    ),
    table(
        "actor_changes",
        "Every placing of an actor on a power map, oldest first: the map's history, to replay it.",
        "SELECT * FROM actor_changes WHERE group_id = $1",
    ),
    table("actor_links", "Who influences whom on each power map.", "SELECT * FROM actor_links WHERE group_id = $1"),
    table(
        "plan_steps",
        "Each campaign's escalation plan: what (kind, title), when planned and done, and the petition or event carrying it out.",
        "SELECT * FROM plan_steps WHERE group_id = $1",
    ),
    table(
        "moments",
        "Each campaign's timeline: what happened and when, its evidence (a link, or document_id: the file under documents/), \
         and for a win, the demand it won.",
        "SELECT * FROM moments WHERE group_id = $1",
    ),
    Table {
        name: "documents",
        about: "Documents kept as evidence: name, type and size; each file is in the folder documents/, named by its id and name.",
        sql: "SELECT * FROM documents WHERE group_id = $1",
        hidden: &["body"],
    },
    table("audit_log", "Who viewed, exported, deleted or changed access to what, and when.", "SELECT * FROM audit_log WHERE group_id = $1"),
];

/// Tables holding group data that the export leaves out, and why.
pub const LEFT_OUT: &[(&str, &str)] = &[
    ("need_links", "only hashes of single-use links (a volunteer's answer, a requester's feedback), useless outside this server"),
    ("api_tokens", "only hashes of secret tokens, which are useless outside this server; tokens are issued again, never moved"),
    ("jobs", "the queue of work still to do (emails to send, reminders): it refers to rows exported above and means nothing elsewhere"),
    (
        "electors",
        "what only the electoral register says (elector numbers, markers, dates of attainment): the law allows its use only for its purpose \
         and forbids passing it on, so it never leaves Tredegar; it is deleted on the register's destroy-by date",
    ),
    ("person_terms", "the search index: words taken from people's names, emails and addresses, which are all in the files above"),
    ("listening_days", "counts of the issues raised each day, kept for the listening report from the conversation and need themes above"),
    (
        "listening_months",
        "counts of the issues raised each month, kept for the listening report from the conversation and need themes above",
    ),
    ("rule_versions", "random numbers that tell a server when to read again the people it keeps in memory for segments"),
];
