//! A segment's definition as SQL. Each rule is a test of one person from
//! that person's side of an index (`EXISTS` on a key that starts with the
//! person's id). The rows to test come from the most selective positive rule
//! at the top, read from its own index, so a segment of a tag, a postcode or
//! a list never walks the whole group.

use chrono::NaiveTime;
use tredegar_domain::segments::{Node, Rule};

use crate::{Scope, Sql, prefix_bound};

/// Appends "person `k` matches `node`".
pub(crate) fn push_test(q: &mut Sql, node: &Node) {
    match node {
        Node::All(parts) | Node::Any(parts) if parts.is_empty() => {
            q.push(if matches!(node, Node::All(_)) { "TRUE" } else { "FALSE" });
        }
        Node::All(parts) | Node::Any(parts) => {
            let join = if matches!(node, Node::All(_)) { " AND " } else { " OR " };
            q.push("(");
            for (i, part) in parts.iter().enumerate() {
                if i > 0 {
                    q.push(join);
                }
                push_test(q, part);
            }
            q.push(")");
        }
        Node::Not(inner) => {
            q.push("NOT (");
            push_test(q, inner);
            q.push(")");
        }
        Node::Rule(rule) => push_rule(q, rule),
    }
}

fn push_rule(q: &mut Sql, rule: &Rule) {
    let exists = |q: &mut Sql, from: &'static str| {
        q.push("EXISTS (SELECT 1 FROM ").push(from).push(" = k.id");
    };
    match rule {
        Rule::Tag { tag } => {
            exists(q, "taggings g WHERE g.person_id");
            q.push(" AND g.tag_id = ").bind(*tag).push(")");
        }
        Rule::Assessment { campaign, levels } => {
            exists(q, "assessments a WHERE a.person_id");
            q.push(" AND a.campaign_id = ").bind(*campaign).push(" AND a.level IN (");
            q.bind_list(levels.iter().map(|l| i64::from(*l))).push("))");
        }
        Rule::Issue { theme } => {
            exists(q, "conversations c JOIN conversation_themes ct ON ct.conversation_id = c.id WHERE c.person_id");
            q.push(" AND ct.theme_id = ").bind(*theme).push(")");
        }
        Rule::Postcode { prefix } => {
            let key = tredegar_domain::contact::postcode_key(prefix);
            exists(q, "person_addresses ad WHERE ad.person_id");
            q.push(" AND ad.postcode_key >= ").bind(key.clone()).push(" AND ad.postcode_key < ").bind(prefix_bound(&key)).push(")");
        }
        Rule::NotContactedSince { day } | Rule::ContactedSince { day } => {
            if matches!(rule, Rule::NotContactedSince { .. }) {
                q.push("NOT ");
            }
            exists(q, "conversations c WHERE c.person_id");
            q.push(" AND c.held_at >= ").bind(day.and_time(NaiveTime::MIN).and_utc()).push(")");
        }
        // `lists::resolve` dates these; undated, they match nobody rather than guess a day.
        Rule::NotContactedInDays { .. } | Rule::ContactedInDays { .. } => {
            q.push("FALSE");
        }
        Rule::NeverContacted => {
            q.push("NOT ");
            exists(q, "conversations c WHERE c.person_id");
            q.push(")");
        }
        Rule::HasEmail => {
            exists(q, "person_emails e WHERE e.person_id");
            q.push(")");
        }
        Rule::HasPhone => {
            exists(q, "person_phones ph WHERE ph.person_id");
            q.push(")");
        }
        Rule::Subscribed => {
            exists(q, "person_emails e WHERE e.person_id");
            q.push(" AND e.status = 'subscribed')");
        }
        Rule::Custom { field, value } => {
            exists(q, "person_custom_values v WHERE v.person_id");
            q.push(" AND v.field_id = ").bind(*field).push(" AND v.value = ").bind(value.as_str()).push(")");
        }
        Rule::OnList { list } => {
            exists(q, "list_members m WHERE m.person_id");
            q.push(" AND m.list_id = ").bind(*list).push(")");
        }
        Rule::DoNotCall => {
            exists(q, "do_not_call x WHERE x.person_id");
            q.push(")");
        }
        Rule::Rung { rung } => {
            exists(q, "ladder_placements lp WHERE lp.person_id");
            q.push(" AND lp.rung_id = ").bind(*rung).push(")");
        }
    }
}

/// How few people a rule is likely to match, smallest first; `None` for a
/// rule with no index of its own to start from.
fn driver_rank(rule: &Rule) -> Option<u8> {
    Some(match rule {
        Rule::OnList { .. } => 0,
        Rule::Postcode { .. } => 1,
        Rule::Issue { .. } => 2,
        Rule::Tag { .. } => 3,
        Rule::Assessment { .. } => 4,
        _ => return None,
    })
}

/// The people `node` matches, as `(person_id, sort_key)` rows in the scope's
/// visible groups: read from the index of the most selective rule that must
/// hold, or from the group's people when there is none.
pub(crate) fn push_matches(q: &mut Sql, scope: &Scope, node: &Node) {
    let top: &[Node] = match node {
        Node::All(parts) => parts,
        other => std::slice::from_ref(other),
    };
    let driver = top
        .iter()
        .enumerate()
        .filter_map(|(i, n)| if let Node::Rule(r) = n { driver_rank(r).map(|rank| (rank, i, r)) } else { None })
        .min_by_key(|(rank, ..)| *rank);
    q.push("SELECT k.id AS person_id, k.name_key AS sort_key FROM ");
    match driver {
        Some((_, _, rule)) => {
            q.push("(");
            push_set(q, scope, rule);
            q.push(") d CROSS JOIN people k WHERE k.id = d.person_id AND ");
        }
        None => {
            q.push("people k WHERE ");
        }
    }
    scope.visible_groups(q, "k");
    q.push(" AND ");
    // The driver's rule holds for every row it gives: only the others are tested.
    let others = top.iter().enumerate().filter(|(i, _)| driver.is_none_or(|(_, d, _)| d != *i)).map(|(_, n)| n.clone()).collect();
    push_test(q, &Node::All(others));
}

/// The ids of the people a rule matches, from its own index.
fn push_set(q: &mut Sql, scope: &Scope, rule: &Rule) {
    match rule {
        Rule::OnList { list } => {
            q.push("SELECT m.person_id FROM list_members m WHERE m.list_id = ").bind(*list);
        }
        Rule::Postcode { prefix } => {
            let key = tredegar_domain::contact::postcode_key(prefix);
            q.push("SELECT DISTINCT ad.person_id FROM person_addresses ad WHERE ");
            scope.visible_groups(q, "ad");
            q.push(" AND ad.postcode_key >= ").bind(key.clone()).push(" AND ad.postcode_key < ").bind(prefix_bound(&key));
        }
        Rule::Issue { theme } => {
            q.push("SELECT DISTINCT c.person_id FROM conversation_themes ct JOIN conversations c ON c.id = ct.conversation_id WHERE ct.theme_id = ").bind(*theme);
        }
        Rule::Tag { tag } => {
            q.push("SELECT g.person_id FROM taggings g WHERE g.tag_id = ").bind(*tag);
        }
        Rule::Assessment { campaign, levels } => {
            q.push("SELECT a.person_id FROM assessments a WHERE a.campaign_id = ").bind(*campaign).push(" AND a.level IN (");
            q.bind_list(levels.iter().map(|l| i64::from(*l))).push(")");
        }
        // Not a driver (see `driver_rank`): everyone, tested row by row.
        _ => {
            q.push("SELECT p.id AS person_id FROM people p WHERE ");
            scope.visible_groups(q, "p");
        }
    }
}
