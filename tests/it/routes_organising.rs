//! The test client's pages for relational organising (conversations,
//! assessments, the issue list, follow-ups, segments and lists, call lists,
//! relationships, the ladder), as in `routes.rs`: one method per page, named
//! after its route in `tredegar_web::paths`.

use crate::helpers::{Client, Page};

impl Client {
    pub async fn conversation_edit(&mut self, slug: impl std::fmt::Display, id: impl std::fmt::Display) -> Page {
        self.get(tredegar_web::paths::conversation_edit(slug, id)).await
    }

    pub async fn post_conversation_edit(
        &mut self,
        slug: impl std::fmt::Display,
        id: impl std::fmt::Display,
        fields: &[(&str, &str)],
    ) -> Page {
        self.post_form(tredegar_web::paths::conversation_edit(slug, id), fields).await
    }

    pub async fn conversation_delete(&mut self, slug: impl std::fmt::Display, id: impl std::fmt::Display) -> Page {
        self.get(tredegar_web::paths::conversation_delete(slug, id)).await
    }

    pub async fn post_conversation_delete(&mut self, slug: impl std::fmt::Display, id: impl std::fmt::Display) -> Page {
        self.post_form(tredegar_web::paths::conversation_delete(slug, id), &[]).await
    }

    pub async fn new_conversation(&mut self, slug: impl std::fmt::Display, id: impl std::fmt::Display) -> Page {
        self.get(tredegar_web::paths::new_conversation(slug, id)).await
    }

    pub async fn post_person_conversations(
        &mut self,
        slug: impl std::fmt::Display,
        id: impl std::fmt::Display,
        fields: &[(&str, &str)],
    ) -> Page {
        self.post_form(tredegar_web::paths::person_conversations(slug, id), fields).await
    }

    pub async fn post_person_assessments(
        &mut self,
        slug: impl std::fmt::Display,
        id: impl std::fmt::Display,
        fields: &[(&str, &str)],
    ) -> Page {
        self.post_form(tredegar_web::paths::person_assessments(slug, id), fields).await
    }

    pub async fn assessment_levels(&mut self, slug: impl std::fmt::Display) -> Page {
        self.get(tredegar_web::paths::assessment_levels(slug)).await
    }

    pub async fn post_assessment_levels(&mut self, slug: impl std::fmt::Display, fields: &[(&str, &str)]) -> Page {
        self.post_form(tredegar_web::paths::assessment_levels(slug), fields).await
    }

    pub async fn themes(&mut self, slug: impl std::fmt::Display) -> Page {
        self.get(tredegar_web::paths::themes(slug)).await
    }

    pub async fn post_themes(&mut self, slug: impl std::fmt::Display, fields: &[(&str, &str)]) -> Page {
        self.post_form(tredegar_web::paths::themes(slug), fields).await
    }

    pub async fn post_theme(&mut self, slug: impl std::fmt::Display, id: impl std::fmt::Display, fields: &[(&str, &str)]) -> Page {
        self.post_form(tredegar_web::paths::theme(slug, id), fields).await
    }

    pub async fn follow_ups(&mut self, slug: impl std::fmt::Display) -> Page {
        self.get(tredegar_web::paths::follow_ups(slug)).await
    }

    pub async fn post_follow_up_done(&mut self, slug: impl std::fmt::Display, id: impl std::fmt::Display, fields: &[(&str, &str)]) -> Page {
        self.post_form(tredegar_web::paths::follow_up_done(slug, id), fields).await
    }

    pub async fn new_segment(&mut self, slug: impl std::fmt::Display) -> Page {
        self.get(tredegar_web::paths::new_segment(slug)).await
    }

    pub async fn post_new_segment(&mut self, slug: impl std::fmt::Display, fields: &[(&str, &str)]) -> Page {
        self.post_form(tredegar_web::paths::new_segment(slug), fields).await
    }

    /// Save a segment of everyone with one tag, through the builder; its id.
    pub async fn save_tag_segment(&mut self, slug: &str, name: &str, tag: &str) -> String {
        self.new_segment(slug).await;
        let parts = format!("[{{\"not\":false,\"rule\":{{\"rule\":\"tag\",\"tag\":\"{tag}\"}}}}]");
        let saved = self.post_new_segment(slug, &[("action", "save"), ("name", name), ("combine", "all"), ("parts", &parts)]).await;
        saved.location.unwrap().split("/lists/").nth(1).unwrap()[..36].to_string()
    }

    pub async fn list(&mut self, slug: impl std::fmt::Display, id: impl std::fmt::Display) -> Page {
        self.get(tredegar_web::paths::list(slug, id)).await
    }

    pub async fn list_edit(&mut self, slug: impl std::fmt::Display, id: impl std::fmt::Display) -> Page {
        self.get(tredegar_web::paths::list_edit(slug, id)).await
    }

    pub async fn post_list_edit(&mut self, slug: impl std::fmt::Display, id: impl std::fmt::Display, fields: &[(&str, &str)]) -> Page {
        self.post_form(tredegar_web::paths::list_edit(slug, id), fields).await
    }

    pub async fn post_lists(&mut self, slug: impl std::fmt::Display, fields: &[(&str, &str)]) -> Page {
        self.post_form(tredegar_web::paths::lists(slug), fields).await
    }

    pub async fn post_put_on_list(&mut self, slug: impl std::fmt::Display, fields: &[(&str, &str)]) -> Page {
        self.post_form(tredegar_web::paths::put_on_list(slug), fields).await
    }

    pub async fn post_list_person_remove(
        &mut self,
        slug: impl std::fmt::Display,
        id: impl std::fmt::Display,
        person: impl std::fmt::Display,
        fields: &[(&str, &str)],
    ) -> Page {
        self.post_form(tredegar_web::paths::list_person_remove(slug, id, person), fields).await
    }

    pub async fn call_lists(&mut self, slug: impl std::fmt::Display) -> Page {
        self.get(tredegar_web::paths::call_lists(slug)).await
    }

    pub async fn post_call_lists(&mut self, slug: impl std::fmt::Display, fields: &[(&str, &str)]) -> Page {
        self.post_form(tredegar_web::paths::call_lists(slug), fields).await
    }

    pub async fn call_list(&mut self, slug: impl std::fmt::Display, id: impl std::fmt::Display) -> Page {
        self.get(tredegar_web::paths::call_list(slug, id)).await
    }

    pub async fn post_call_list_status(
        &mut self,
        slug: impl std::fmt::Display,
        id: impl std::fmt::Display,
        fields: &[(&str, &str)],
    ) -> Page {
        self.post_form(tredegar_web::paths::call_list_status(slug, id), fields).await
    }

    pub async fn call_next(&mut self, slug: impl std::fmt::Display, id: impl std::fmt::Display) -> Page {
        self.get(tredegar_web::paths::call_next(slug, id)).await
    }

    pub async fn post_call_record(
        &mut self,
        slug: impl std::fmt::Display,
        id: impl std::fmt::Display,
        person: impl std::fmt::Display,
        fields: &[(&str, &str)],
    ) -> Page {
        self.post_form(tredegar_web::paths::call_record(slug, id, person), fields).await
    }

    pub async fn post_relationship_kinds(&mut self, slug: impl std::fmt::Display, fields: &[(&str, &str)]) -> Page {
        self.post_form(tredegar_web::paths::relationship_kinds(slug), fields).await
    }

    pub async fn post_person_relationships(
        &mut self,
        slug: impl std::fmt::Display,
        id: impl std::fmt::Display,
        fields: &[(&str, &str)],
    ) -> Page {
        self.post_form(tredegar_web::paths::person_relationships(slug, id), fields).await
    }

    pub async fn who_knows(&mut self, slug: impl std::fmt::Display, id: impl std::fmt::Display) -> Page {
        self.get(tredegar_web::paths::who_knows(slug, id)).await
    }

    pub async fn post_theme_delete(&mut self, slug: impl std::fmt::Display, id: impl std::fmt::Display, fields: &[(&str, &str)]) -> Page {
        self.post_form(tredegar_web::paths::theme_delete(slug, id), fields).await
    }

    pub async fn ladder(&mut self, slug: impl std::fmt::Display) -> Page {
        self.get(tredegar_web::paths::ladder(slug)).await
    }

    pub async fn post_ladder_rungs(&mut self, slug: impl std::fmt::Display, fields: &[(&str, &str)]) -> Page {
        self.post_form(tredegar_web::paths::ladder_rungs(slug), fields).await
    }

    pub async fn post_ladder_rung_delete(
        &mut self,
        slug: impl std::fmt::Display,
        id: impl std::fmt::Display,
        fields: &[(&str, &str)],
    ) -> Page {
        self.post_form(tredegar_web::paths::ladder_rung_delete(slug, id), fields).await
    }

    pub async fn post_person_rung(&mut self, slug: impl std::fmt::Display, id: impl std::fmt::Display, fields: &[(&str, &str)]) -> Page {
        self.post_form(tredegar_web::paths::person_rung(slug, id), fields).await
    }
}
