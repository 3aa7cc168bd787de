//! Building a segment on one page without script: the rules so far travel
//! in a hidden field, each button (add a rule, remove one, count, save)
//! posts the whole form, and the page comes back with the count.

use serde::{Deserialize, Serialize};
use tredegar_db::conversations::Theme;
use tredegar_db::fields::CustomField;
use tredegar_db::lists::List;
use tredegar_db::tags::Tag;
use tredegar_db::{Scope, Tx, campaigns::Campaign};
use tredegar_domain::assessments::LevelNames;
use tredegar_domain::conversations::parse_date;
use tredegar_domain::segments::{ListKind, Node, Rule, days};
use tredegar_domain::{FieldErrors, Level, ListId, Problem};

/// One rule of a segment, or its opposite.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Part {
    #[serde(default)]
    pub not: bool,
    pub rule: Rule,
}

/// The builder's form: the segment so far, and the rule being added.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct BuilderForm {
    #[serde(default)]
    pub name: String,
    /// "all" (and) or "any" (or).
    #[serde(default)]
    pub combine: String,
    /// The rules so far, as JSON.
    #[serde(default)]
    pub parts: String,
    /// choose (a kind of rule), add, remove-N, count or save.
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub negate: Option<String>,
    #[serde(default)]
    pub tag: String,
    #[serde(default)]
    pub campaign: String,
    #[serde(default)]
    pub levels: Vec<String>,
    #[serde(default)]
    pub theme: String,
    #[serde(default)]
    pub postcode: String,
    #[serde(default)]
    pub day: String,
    #[serde(default)]
    pub field: String,
    #[serde(default)]
    pub value: String,
    #[serde(default)]
    pub list: String,
    #[serde(default)]
    pub rung: String,
    #[serde(default)]
    pub days: String,
}

/// A kind of rule the builder offers: its value, its words, and the fields
/// it needs filled in (none for "has an email address").
pub struct Kind {
    pub value: &'static str,
    pub words: &'static str,
    pub needs: &'static [&'static str],
}

/// The kinds of rule the builder offers.
pub const KINDS: &[Kind] = &[
    Kind { value: "tag", words: "Has a tag", needs: &["tag"] },
    Kind { value: "assessment", words: "Assessed at a level on a campaign", needs: &["campaign", "levels"] },
    Kind { value: "issue", words: "Raised an issue", needs: &["theme"] },
    Kind { value: "postcode", words: "Lives in a postcode or district", needs: &["postcode"] },
    Kind { value: "not_contacted_since", words: "Not spoken to since a day (or never)", needs: &["day"] },
    Kind { value: "contacted_since", words: "Spoken to since a day", needs: &["day"] },
    Kind { value: "not_contacted_in_days", words: "Not spoken to in the last N days (or never)", needs: &["days"] },
    Kind { value: "contacted_in_days", words: "Spoken to in the last N days", needs: &["days"] },
    Kind { value: "never_contacted", words: "Never spoken to", needs: &[] },
    Kind { value: "has_email", words: "Has an email address", needs: &[] },
    Kind { value: "has_phone", words: "Has a phone number", needs: &[] },
    Kind { value: "subscribed", words: "Subscribed to emails", needs: &[] },
    Kind { value: "custom", words: "A custom field has a value", needs: &["field", "value"] },
    Kind { value: "on_list", words: "Is on another list or segment", needs: &["list"] },
    Kind { value: "do_not_call", words: "Asked not to be called", needs: &[] },
    Kind { value: "rung", words: "Stands on a rung of the ladder", needs: &["rung"] },
];

fn id<T: std::str::FromStr>(field: &str, s: &str, what: &str) -> Result<T, Problem> {
    s.trim().parse().map_err(|_| Problem::new(field, format!("choose {what}")))
}

impl BuilderForm {
    pub fn parts(&self) -> Result<Vec<Part>, Problem> {
        if self.parts.trim().is_empty() {
            return Ok(Vec::new());
        }
        serde_json::from_str(&self.parts).map_err(|_| Problem::new("parts", "could not be read; start the segment again"))
    }

    pub fn any(&self) -> bool {
        self.combine == "any"
    }

    /// What the chosen kind of rule needs filled in, or `None` before a
    /// kind is chosen: the page asks for only those fields, one step after
    /// the kind.
    pub fn needs(&self) -> Option<&'static [&'static str]> {
        KINDS.iter().find(|k| k.value == self.kind).map(|k| k.needs)
    }

    /// Whether the chosen kind of rule needs this field.
    pub fn needs_field(&self, field: &str) -> bool {
        self.needs().is_some_and(|needs| needs.contains(&field))
    }

    /// The form after a rule was added: the segment's name and how its rules
    /// combine, ready to choose the next kind.
    pub fn after_adding(self) -> BuilderForm {
        BuilderForm { name: self.name, combine: self.combine, ..Default::default() }
    }

    /// The rule the "add" part of the form describes.
    pub fn new_rule(&self) -> Result<Rule, Problem> {
        Ok(match self.kind.as_str() {
            "tag" => Rule::Tag { tag: id("tag", &self.tag, "a tag")? },
            "assessment" => {
                let campaign = id("campaign", &self.campaign, "a campaign")?;
                let levels = self.levels.iter().map(|l| Level::parse("levels", l)).collect::<Result<Vec<_>, _>>()?;
                if levels.is_empty() {
                    return Err(Problem::new("levels", "choose at least one level"));
                }
                Rule::Assessment { campaign, levels }
            }
            "issue" => Rule::Issue { theme: id("theme", &self.theme, "an issue")? },
            "postcode" => {
                let prefix = tredegar_domain::contact::postcode_key(&self.postcode);
                if prefix.is_empty() {
                    return Err(Problem::new("postcode", "type a postcode or the start of one, such as CF10"));
                }
                Rule::Postcode { prefix }
            }
            "not_contacted_since" => Rule::NotContactedSince { day: parse_date("day", &self.day)? },
            "contacted_since" => Rule::ContactedSince { day: parse_date("day", &self.day)? },
            "not_contacted_in_days" => Rule::NotContactedInDays { days: days(&self.days)? },
            "contacted_in_days" => Rule::ContactedInDays { days: days(&self.days)? },
            "never_contacted" => Rule::NeverContacted,
            "has_email" => Rule::HasEmail,
            "has_phone" => Rule::HasPhone,
            "subscribed" => Rule::Subscribed,
            "custom" => {
                let field = id("field", &self.field, "a custom field")?;
                let value = tredegar_domain::contact::required_line("value", &self.value, 500)?;
                Rule::Custom { field, value }
            }
            "on_list" => Rule::OnList { list: id("list", &self.list, "a list")? },
            "do_not_call" => Rule::DoNotCall,
            "rung" => Rule::Rung { rung: id("rung", &self.rung, "a rung")? },
            _ => return Err(Problem::new("kind", "choose what to look for")),
        })
    }

    /// The rules after this post's action; and whether it asks to save.
    pub fn apply(&self) -> Result<(Vec<Part>, bool), FieldErrors> {
        let mut parts = self.parts()?;
        match self.action.as_str() {
            "add" => parts.push(Part { not: self.negate.is_some(), rule: self.new_rule()? }),
            a if a.starts_with("remove-") => {
                let i: usize = a.trim_start_matches("remove-").parse().map_err(|_| Problem::new("action", "is not a rule to remove"))?;
                if i < parts.len() {
                    parts.remove(i);
                }
            }
            _ => {}
        }
        Ok((parts, self.action == "save"))
    }
}

/// The definition the parts make.
pub fn node(parts: &[Part], any: bool) -> Node {
    let nodes =
        parts.iter().map(|p| if p.not { Node::Not(Box::new(Node::Rule(p.rule.clone()))) } else { Node::Rule(p.rule.clone()) }).collect();
    if any { Node::Any(nodes) } else { Node::All(nodes) }
}

/// A definition as the builder shows it: all or any of some parts. One
/// deeper than that (saved through the API) cannot be edited here.
pub fn parts_of(node: &Node) -> Option<(Vec<Part>, bool)> {
    let (nodes, any) = match node {
        Node::All(n) => (n, false),
        Node::Any(n) => (n, true),
        other => return parts_of(&Node::All(vec![other.clone()])),
    };
    let parts = nodes
        .iter()
        .map(|n| match n {
            Node::Rule(r) => Some(Part { not: false, rule: r.clone() }),
            Node::Not(inner) => match inner.as_ref() {
                Node::Rule(r) => Some(Part { not: true, rule: r.clone() }),
                _ => None,
            },
            _ => None,
        })
        .collect::<Option<Vec<Part>>>()?;
    Some((parts, any))
}

/// What the rules can name, for the form's choices and their descriptions.
pub struct Names {
    pub tags: Vec<Tag>,
    pub campaigns: Vec<Campaign>,
    pub themes: Vec<Theme>,
    pub fields: Vec<CustomField>,
    pub lists: Vec<List>,
    pub levels: LevelNames,
    pub rungs: Vec<tredegar_db::ladder::Rung>,
}

impl Names {
    pub async fn read(tx: &mut Tx, scope: &Scope) -> Result<Names, tredegar_db::DbError> {
        let all = tredegar_db::Page::everything();
        Ok(Names {
            tags: tredegar_db::tags::list(tx, scope, &Default::default(), all).await?.0,
            campaigns: tredegar_db::campaigns::list(tx, scope, all).await?.0,
            themes: tredegar_db::conversations::themes(tx, scope).await?,
            fields: tredegar_db::fields::list(tx, scope).await?,
            lists: tredegar_db::lists::list(tx, scope, all).await?.0,
            levels: tredegar_db::assessments::level_names(tx, scope).await?,
            rungs: tredegar_db::ladder::rungs(tx, scope).await?,
        })
    }

    /// Lists a segment may name: all but itself.
    pub fn other_lists(&self, this: Option<ListId>) -> Vec<&List> {
        self.lists.iter().filter(|l| Some(l.id) != this).collect()
    }

    pub fn describe(&self, part: &Part) -> String {
        let text = match &part.rule {
            Rule::Tag { tag } => {
                format!("has the tag “{}”", self.tags.iter().find(|t| t.id == *tag).map_or("(deleted)", |t| t.name.as_str()))
            }
            Rule::Assessment { campaign, levels } => {
                let c = self.campaigns.iter().find(|c| c.id == *campaign).map_or("(deleted)", |c| c.title.as_str());
                let ls: Vec<String> = levels.iter().map(|l| l.numbered_in(&self.levels)).collect();
                format!("is assessed {} on “{c}”", ls.join(" or "))
            }
            Rule::Issue { theme } => {
                format!("raised “{}”", self.themes.iter().find(|t| t.id == *theme).map_or("(deleted)", |t| t.name.as_str()))
            }
            Rule::Postcode { prefix } => format!("lives in a postcode starting {prefix}"),
            Rule::NotContactedSince { day } => format!("has not been spoken to since {} (or never)", day.format("%-d %b %Y")),
            Rule::ContactedSince { day } => format!("has been spoken to since {}", day.format("%-d %b %Y")),
            Rule::NotContactedInDays { days } => format!("has not been spoken to in the last {days} days (or never)"),
            Rule::ContactedInDays { days } => format!("has been spoken to in the last {days} days"),
            Rule::NeverContacted => "has never been spoken to".into(),
            Rule::HasEmail => "has an email address".into(),
            Rule::HasPhone => "has a phone number".into(),
            Rule::Subscribed => "is subscribed to emails".into(),
            Rule::Custom { field, value } => {
                format!("has {} “{value}”", self.fields.iter().find(|f| f.id == *field).map_or("(deleted field)", |f| f.label.as_str()))
            }
            Rule::DoNotCall => "asked not to be called".into(),
            Rule::Rung { rung } => {
                format!("stands on the rung “{}”", self.rungs.iter().find(|r| r.id == *rung).map_or("(deleted)", |r| r.name.as_str()))
            }
            Rule::OnList { list } => {
                let l = self.lists.iter().find(|l| l.id == *list);
                let what = if l.is_some_and(|l| l.kind == ListKind::Static) { "list" } else { "segment" };
                format!("is on the {what} “{}”", l.map_or("(deleted)", |l| l.name.as_str()))
            }
        };
        if part.not { format!("not: {text}") } else { text }
    }

    pub fn all_levels(&self) -> [Level; 5] {
        Level::ALL
    }
}
