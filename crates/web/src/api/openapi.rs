//! The OpenAPI document for `/api/v2`, built from the handlers' annotations.

use axum::Json;
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(title = "Tredegar API", description = "Action Network compatible (OSDI v2) API. Authenticate with the OSDI-API-Token header."),
    paths(
        crate::people::api::list,
        crate::people::api::get_one,
        crate::people::api::signup,
        crate::people::api::update,
        crate::people::api::taggings,
        crate::tags::list_api,
        crate::tags::create_api,
        crate::tags::get_api,
        crate::tags::taggings_api,
        crate::tags::tag_person_api,
        crate::tags::tagging_api,
        crate::tags::untag_api,
    ),
    modifiers(&TokenAuth),
)]
struct ApiDoc;

struct TokenAuth;

impl utoipa::Modify for TokenAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("osdi_api_token", SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new("OSDI-API-Token"))));
        openapi.security = Some(vec![utoipa::openapi::security::SecurityRequirement::new("osdi_api_token", Vec::<String>::new())]);
    }
}

pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
