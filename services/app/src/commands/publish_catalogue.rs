//! `publishCatalogue`: publishes a year's catalogue of major decisions (admins).

use async_trait::async_trait;
use canyu_domain::directory::{Catalogue, CatalogueCommand, CatalogueState};
use canyu_domain::{Aggregate, DomainError, Event};
use serde::Serialize;

use crate::command::{Access, Command, Now, Prepared};
use crate::{App, AppResult, Principal, streams};

/// Publishes the catalogue of `year`.
#[derive(Debug, Clone, Serialize)]
pub struct PublishCatalogue {
    pub year: i32,
}

#[async_trait]
impl Command for PublishCatalogue {
    type Aggregate = Catalogue;
    type Facts = ();
    const NAME: &'static str = "publishCatalogue";
    const ACCESS: Access = Access::Admin;

    async fn prepare(&self, _app: &App, _caller: Option<&Principal>) -> AppResult<Prepared<()>> {
        Ok(Prepared { stream: streams::catalogue(self.year), facts: () })
    }

    fn decide(&self, state: &CatalogueState, _facts: &(), now: Now<'_>) -> Result<Vec<Event>, DomainError> {
        Catalogue::decide(state, CatalogueCommand::Publish { year: self.year }, &now.at)
    }
}
