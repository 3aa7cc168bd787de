//! The test client's pages: one method per page the tests use, named after
//! its route in `tredegar_web::paths`, so no test spells a route itself.

use crate::helpers::{Client, Page};

impl Client {
    pub async fn post_logout(&mut self, fields: &[(&str, &str)]) -> Page {
        self.post_form(tredegar_web::paths::logout(), fields).await
    }

    pub async fn post_setup(&mut self, fields: &[(&str, &str)]) -> Page {
        self.post_form(tredegar_web::paths::setup(), fields).await
    }

    pub async fn setup(&mut self) -> Page {
        self.get(tredegar_web::paths::setup()).await
    }

    pub async fn account(&mut self) -> Page {
        self.get(tredegar_web::paths::account()).await
    }

    pub async fn post_account(&mut self, fields: &[(&str, &str)]) -> Page {
        self.post_form(tredegar_web::paths::account(), fields).await
    }

    pub async fn audit(&mut self, slug: impl std::fmt::Display) -> Page {
        self.get(tredegar_web::paths::audit(slug)).await
    }

    pub async fn campaigns(&mut self, slug: impl std::fmt::Display) -> Page {
        self.get(tredegar_web::paths::campaigns(slug)).await
    }

    pub async fn post_campaigns(&mut self, slug: impl std::fmt::Display, fields: &[(&str, &str)]) -> Page {
        self.post_form(tredegar_web::paths::campaigns(slug), fields).await
    }

    pub async fn post_child_groups(&mut self, slug: impl std::fmt::Display, fields: &[(&str, &str)]) -> Page {
        self.post_form(tredegar_web::paths::child_groups(slug), fields).await
    }

    pub async fn dashboard(&mut self, slug: impl std::fmt::Display) -> Page {
        self.get(tredegar_web::paths::dashboard(slug)).await
    }

    pub async fn field_delete(&mut self, slug: impl std::fmt::Display, id: impl std::fmt::Display) -> Page {
        self.get(tredegar_web::paths::field_delete(slug, id)).await
    }

    pub async fn post_field_delete(&mut self, slug: impl std::fmt::Display, id: impl std::fmt::Display, fields: &[(&str, &str)]) -> Page {
        self.post_form(tredegar_web::paths::field_delete(slug, id), fields).await
    }

    pub async fn post_fields(&mut self, slug: impl std::fmt::Display, fields: &[(&str, &str)]) -> Page {
        self.post_form(tredegar_web::paths::fields(slug), fields).await
    }

    pub async fn post_invitation_revoke(
        &mut self,
        slug: impl std::fmt::Display,
        id: impl std::fmt::Display,
        fields: &[(&str, &str)],
    ) -> Page {
        self.post_form(tredegar_web::paths::invitation_revoke(slug, id), fields).await
    }

    pub async fn post_invitations(&mut self, slug: impl std::fmt::Display, fields: &[(&str, &str)]) -> Page {
        self.post_form(tredegar_web::paths::invitations(slug), fields).await
    }

    pub async fn login(&mut self) -> Page {
        self.get(tredegar_web::paths::login()).await
    }

    pub async fn post_login(&mut self, fields: &[(&str, &str)]) -> Page {
        self.post_form(tredegar_web::paths::login(), fields).await
    }

    pub async fn member_remove(&mut self, slug: impl std::fmt::Display, user: impl std::fmt::Display) -> Page {
        self.get(tredegar_web::paths::member_remove(slug, user)).await
    }

    pub async fn post_member_remove(
        &mut self,
        slug: impl std::fmt::Display,
        user: impl std::fmt::Display,
        fields: &[(&str, &str)],
    ) -> Page {
        self.post_form(tredegar_web::paths::member_remove(slug, user), fields).await
    }

    pub async fn post_member_role(&mut self, slug: impl std::fmt::Display, user: impl std::fmt::Display, fields: &[(&str, &str)]) -> Page {
        self.post_form(tredegar_web::paths::member_role(slug, user), fields).await
    }

    pub async fn api_tokens(&mut self, slug: impl std::fmt::Display) -> Page {
        self.get(tredegar_web::paths::api_tokens(slug)).await
    }

    pub async fn post_api_tokens(&mut self, slug: impl std::fmt::Display, fields: &[(&str, &str)]) -> Page {
        self.post_form(tredegar_web::paths::api_tokens(slug), fields).await
    }

    pub async fn api_token_revoke(&mut self, slug: impl std::fmt::Display, id: impl std::fmt::Display) -> Page {
        self.get(tredegar_web::paths::api_token_revoke(slug, id)).await
    }

    pub async fn post_api_token_revoke(&mut self, slug: impl std::fmt::Display, id: impl std::fmt::Display) -> Page {
        self.post_form(tredegar_web::paths::api_token_revoke(slug, id), &[]).await
    }

    pub async fn members(&mut self, slug: impl std::fmt::Display) -> Page {
        self.get(tredegar_web::paths::members(slug)).await
    }

    pub async fn new_campaign(&mut self, slug: impl std::fmt::Display) -> Page {
        self.get(tredegar_web::paths::new_campaign(slug)).await
    }

    pub async fn new_person(&mut self, slug: impl std::fmt::Display) -> Page {
        self.get(tredegar_web::paths::new_person(slug)).await
    }

    pub async fn people(&mut self, slug: impl std::fmt::Display) -> Page {
        self.get(tredegar_web::paths::people(slug)).await
    }

    pub async fn post_people(&mut self, slug: impl std::fmt::Display, fields: &[(&str, &str)]) -> Page {
        self.post_form(tredegar_web::paths::people(slug), fields).await
    }

    pub async fn person(&mut self, slug: impl std::fmt::Display, id: impl std::fmt::Display) -> Page {
        self.get(tredegar_web::paths::person(slug, id)).await
    }

    pub async fn post_person(&mut self, slug: impl std::fmt::Display, id: impl std::fmt::Display, fields: &[(&str, &str)]) -> Page {
        self.post_form(tredegar_web::paths::person(slug, id), fields).await
    }

    pub async fn post_person_assign(&mut self, slug: impl std::fmt::Display, id: impl std::fmt::Display, fields: &[(&str, &str)]) -> Page {
        self.post_form(tredegar_web::paths::person_assign(slug, id), fields).await
    }

    pub async fn person_delete(&mut self, slug: impl std::fmt::Display, id: impl std::fmt::Display) -> Page {
        self.get(tredegar_web::paths::person_delete(slug, id)).await
    }

    pub async fn post_person_delete(&mut self, slug: impl std::fmt::Display, id: impl std::fmt::Display, fields: &[(&str, &str)]) -> Page {
        self.post_form(tredegar_web::paths::person_delete(slug, id), fields).await
    }

    pub async fn person_edit(&mut self, slug: impl std::fmt::Display, id: impl std::fmt::Display) -> Page {
        self.get(tredegar_web::paths::person_edit(slug, id)).await
    }

    pub async fn person_merge_with(
        &mut self,
        slug: impl std::fmt::Display,
        id: impl std::fmt::Display,
        other: impl std::fmt::Display,
    ) -> Page {
        self.get(tredegar_web::paths::person_merge_with(slug, id, other)).await
    }

    pub async fn post_person_merge_with(
        &mut self,
        slug: impl std::fmt::Display,
        id: impl std::fmt::Display,
        other: impl std::fmt::Display,
        fields: &[(&str, &str)],
    ) -> Page {
        self.post_form(tredegar_web::paths::person_merge_with(slug, id, other), fields).await
    }

    pub async fn post_person_tag_remove(
        &mut self,
        slug: impl std::fmt::Display,
        id: impl std::fmt::Display,
        tag: impl std::fmt::Display,
        fields: &[(&str, &str)],
    ) -> Page {
        self.post_form(tredegar_web::paths::person_tag_remove(slug, id, tag), fields).await
    }

    pub async fn post_person_tags(&mut self, slug: impl std::fmt::Display, id: impl std::fmt::Display, fields: &[(&str, &str)]) -> Page {
        self.post_form(tredegar_web::paths::person_tags(slug, id), fields).await
    }

    pub async fn settings(&mut self, slug: impl std::fmt::Display) -> Page {
        self.get(tredegar_web::paths::settings(slug)).await
    }

    pub async fn post_sharing(&mut self, slug: impl std::fmt::Display, fields: &[(&str, &str)]) -> Page {
        self.post_form(tredegar_web::paths::sharing(slug), fields).await
    }

    pub async fn tags(&mut self, slug: impl std::fmt::Display) -> Page {
        self.get(tredegar_web::paths::tags(slug)).await
    }

    pub async fn post_tags(&mut self, slug: impl std::fmt::Display, fields: &[(&str, &str)]) -> Page {
        self.post_form(tredegar_web::paths::tags(slug), fields).await
    }

    pub async fn representative(&mut self, slug: impl std::fmt::Display, id: impl std::fmt::Display) -> Page {
        self.get(tredegar_web::paths::representative(slug, id)).await
    }

    pub async fn campaign(&mut self, slug: impl std::fmt::Display, id: impl std::fmt::Display) -> Page {
        self.get(tredegar_web::paths::campaign(slug, id)).await
    }

    pub async fn broadcasts(&mut self, slug: impl std::fmt::Display) -> Page {
        self.get(tredegar_web::paths::broadcasts(slug)).await
    }

    pub async fn post_broadcasts(&mut self, slug: impl std::fmt::Display, fields: &[(&str, &str)]) -> Page {
        self.post_form(tredegar_web::paths::broadcasts(slug), fields).await
    }

    pub async fn broadcast(&mut self, slug: impl std::fmt::Display, id: impl std::fmt::Display) -> Page {
        self.get(tredegar_web::paths::broadcast(slug, id)).await
    }

    pub async fn post_broadcast_edit(&mut self, slug: impl std::fmt::Display, id: impl std::fmt::Display, fields: &[(&str, &str)]) -> Page {
        self.post_form(tredegar_web::paths::broadcast_edit(slug, id), fields).await
    }

    pub async fn post_broadcast_test(&mut self, slug: impl std::fmt::Display, id: impl std::fmt::Display, fields: &[(&str, &str)]) -> Page {
        self.post_form(tredegar_web::paths::broadcast_test(slug, id), fields).await
    }

    pub async fn post_broadcast_send(&mut self, slug: impl std::fmt::Display, id: impl std::fmt::Display, fields: &[(&str, &str)]) -> Page {
        self.post_form(tredegar_web::paths::broadcast_send(slug, id), fields).await
    }

    pub async fn email_settings(&mut self, slug: impl std::fmt::Display) -> Page {
        self.get(tredegar_web::paths::email_settings(slug)).await
    }

    pub async fn post_email_template(
        &mut self,
        slug: impl std::fmt::Display,
        kind: impl std::fmt::Display,
        fields: &[(&str, &str)],
    ) -> Page {
        self.post_form(tredegar_web::paths::email_template(slug, kind), fields).await
    }

    pub async fn post_job_retry(&mut self, slug: impl std::fmt::Display, id: impl std::fmt::Display, fields: &[(&str, &str)]) -> Page {
        self.post_form(tredegar_web::paths::job_retry(slug, id), fields).await
    }

    pub async fn forgot_password(&mut self) -> Page {
        self.get(tredegar_web::paths::forgot_password()).await
    }

    pub async fn post_forgot_password(&mut self, fields: &[(&str, &str)]) -> Page {
        self.post_form(tredegar_web::paths::forgot_password(), fields).await
    }

    pub async fn petitions(&mut self, slug: impl std::fmt::Display) -> Page {
        self.get(tredegar_web::paths::petitions(slug)).await
    }

    pub async fn post_petitions(&mut self, slug: impl std::fmt::Display, fields: &[(&str, &str)]) -> Page {
        self.post_form(tredegar_web::paths::petitions(slug), fields).await
    }

    pub async fn petition(&mut self, slug: impl std::fmt::Display, id: impl std::fmt::Display) -> Page {
        self.get(tredegar_web::paths::petition(slug, id)).await
    }

    pub async fn petition_csv(&mut self, slug: impl std::fmt::Display, id: impl std::fmt::Display) -> Page {
        self.get(tredegar_web::paths::petition_csv(slug, id)).await
    }

    pub async fn post_petition_close(&mut self, slug: impl std::fmt::Display, id: impl std::fmt::Display, fields: &[(&str, &str)]) -> Page {
        self.post_form(tredegar_web::paths::petition_close(slug, id), fields).await
    }

    pub async fn events(&mut self, slug: impl std::fmt::Display) -> Page {
        self.get(tredegar_web::paths::events(slug)).await
    }

    pub async fn post_events(&mut self, slug: impl std::fmt::Display, fields: &[(&str, &str)]) -> Page {
        self.post_form(tredegar_web::paths::events(slug), fields).await
    }

    pub async fn event(&mut self, slug: impl std::fmt::Display, id: impl std::fmt::Display) -> Page {
        self.get(tredegar_web::paths::event(slug, id)).await
    }

    pub async fn event_edit(&mut self, slug: impl std::fmt::Display, id: impl std::fmt::Display) -> Page {
        self.get(tredegar_web::paths::event_edit(slug, id)).await
    }

    pub async fn post_event_edit(&mut self, slug: impl std::fmt::Display, id: impl std::fmt::Display, fields: &[(&str, &str)]) -> Page {
        self.post_form(tredegar_web::paths::event_edit(slug, id), fields).await
    }

    pub async fn post_event_helpers(&mut self, slug: impl std::fmt::Display, id: impl std::fmt::Display, fields: &[(&str, &str)]) -> Page {
        self.post_form(tredegar_web::paths::event_helpers(slug, id), fields).await
    }

    pub async fn event_attendees_csv(&mut self, slug: impl std::fmt::Display, id: impl std::fmt::Display) -> Page {
        self.get(tredegar_web::paths::event_attendees_csv(slug, id)).await
    }

    pub async fn event_door(&mut self, slug: impl std::fmt::Display, id: impl std::fmt::Display) -> Page {
        self.get(tredegar_web::paths::event_door(slug, id)).await
    }

    pub async fn post_event_check_in(
        &mut self,
        slug: impl std::fmt::Display,
        id: impl std::fmt::Display,
        aid: impl std::fmt::Display,
        fields: &[(&str, &str)],
    ) -> Page {
        self.post_form(tredegar_web::paths::event_check_in(slug, id, aid), fields).await
    }

    pub async fn post_event_walk_in(&mut self, slug: impl std::fmt::Display, id: impl std::fmt::Display, fields: &[(&str, &str)]) -> Page {
        self.post_form(tredegar_web::paths::event_walk_in(slug, id), fields).await
    }
}
