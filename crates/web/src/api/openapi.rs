//! The frame of the OpenAPI document for `/api/v2`: its title and token auth.

use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(title = "Tredegar API", description = "Action Network compatible (OSDI v2) API. Authenticate with the OSDI-API-Token header."),
    modifiers(&TokenAuth),
)]
struct Frame;

/// The entry point's path.
#[derive(OpenApi)]
#[openapi(paths(super::entry_point))]
pub struct EntryDoc;

/// The document's frame (title, auth); each capability merges in its paths.
pub fn frame() -> utoipa::openapi::OpenApi {
    Frame::openapi()
}

struct TokenAuth;

impl utoipa::Modify for TokenAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("osdi_api_token", SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new("OSDI-API-Token"))));
        openapi.security = Some(vec![utoipa::openapi::security::SecurityRequirement::new("osdi_api_token", Vec::<String>::new())]);
    }
}
